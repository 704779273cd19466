"""Reading: the view (now or at an instant), a dossier, the log a page at a time, verify."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from fastapi import APIRouter, Query

from hightable.api.access import Service, Token, instant_of, reader
from hightable.api.errors import Refused, refused
from hightable.api.models import EventsPage, VerifyResult
from hightable.core import Refusal, State, to_dict, view, view_at
from hightable.core.dossier import Standing, candidates_in, dossier_from, names_for, standing
from hightable.core.pages import neighbourhood, view_cut
from hightable.core.view import SECTIONS, PathError, view_page
from hightable.limits import (
    id_length_max,
    instant_text_length_max,
    page_entries_max,
    page_events_max,
    path_length_max,
    seq_max,
)
from hightable.sentences import sentence, with_sentences
from hightable.service.lookup import member_refusal

router = APIRouter(tags=["reading"])
T = TypeVar("T")

At = Annotated[
    str | None,
    Query(description="An instant; default: the clock.", max_length=instant_text_length_max),
]


@router.get("/worlds/{world}/view")
def get_view(
    world: str,
    service: Service,
    token: Token,
    at: At = None,
    path: Annotated[
        str | None,
        Query(description="A dotted path, e.g. members.john.status.", max_length=path_length_max),
    ] = None,
    offset: Annotated[
        int | None,
        Query(
            ge=0,
            le=seq_max,
            description="With `limit`: a page in the state's order from this entry, and "
            "`next_offset`.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=page_entries_max,
            description=f"At most {page_entries_max}. Alone: each section cut to this many "
            "entries, those in play first, and `totals` counting them all; with `offset` or a "
            "section's `path`: a page of the whole view or of the section.",
        ),
    ] = None,
    around: Annotated[
        str | None,
        Query(
            description="A member: only them, the objects naming them (`limit` of each kind, "
            "default 50) and the members, families and hotels those reach.",
            max_length=id_length_max,
        ),
    ] = None,
) -> Any:
    """The view of §14, as of the clock or an earlier instant: whole, at a path, a page of the
    whole view or of one section, each section's first entries, or around one member."""
    reader(service, world, token)
    if limit is not None and path and path not in SECTIONS:
        raise refused("CMD-1", "limit: pages the whole view or one section, not a deeper path")
    instant = instant_of(at, "at")
    if limit is None and not path and around is None:  # the whole document, built on a copy
        return view(answer(service.state_at(world, instant)))

    def read(state: State) -> Any:  # what a path, a page or a neighbourhood reaches, in place
        if around is not None:
            missing = member_refusal(state, around)
            return missing if missing is not None else neighbourhood(state, around, limit or 50)
        if limit is not None and offset is None and not path:
            return view_cut(state, limit)
        if limit is not None:
            return view_page(state, offset or 0, limit, [path] if path else ())
        return view_at(state, path or "")

    try:
        return answer(service.reading(world, instant, read))
    except PathError as error:
        raise refused("ID-3", f"path: {error}") from None


@router.get("/worlds/{world}/members/{member}/dossier")
def get_dossier(
    world: str, member: str, service: Service, token: Token, at: At = None
) -> dict[str, Any]:
    """A member's dossier: status, family, coins, markers, contracts, terms, duels, breaches,
    and their events as sentences. Its events are found by the index of which events name
    whom: it costs what it shows."""
    reader(service, world, token)

    def read(state: State) -> Standing | Refusal:
        missing = member_refusal(state, member)
        if missing is not None:
            return missing
        # The member's own events, read under the world's lock (no tie can be made meanwhile),
        # name every object it is party to: only those are looked up in the state.
        mine = service.events_naming(world, [member])
        return standing(state, member, candidates_in(mine, member))

    instant = instant_of(at, "at")
    stand = answer(service.reading(world, instant, read))
    record = dossier_from(
        service.events_naming(world, names_for(member, stand.held)), member, stand
    )
    return answer(service.reading(world, instant, lambda state: with_sentences(record, state)))


def answer(found: T | Refusal) -> T:
    """What a reading found, or its refusal raised."""
    if isinstance(found, Refusal):
        raise Refused(found)
    return found


@router.get("/worlds/{world}/events", response_model=EventsPage)
def get_events(
    world: str,
    service: Service,
    token: Token,
    after: Annotated[int, Query(ge=0, le=seq_max, description="Events with a seq above this.")] = 0,
    limit: Annotated[
        int, Query(ge=1, le=page_events_max, description=f"At most {page_events_max}.")
    ] = 100,
    at: Annotated[
        str | None,
        Query(
            description="An instant: the page that holds the last event at or before it, that "
            "event in its middle (`after` is then ignored).",
            max_length=instant_text_length_max,
        ),
    ] = None,
) -> EventsPage:
    """The log, a page at a time, each event with its sentence."""
    reader(service, world, token)
    seq_at = None
    instant = instant_of(at, "at")
    if instant is not None:
        seq_at = service.seq_at(world, instant)
        after = max(0, seq_at - limit // 2)
    now = service.state(world)
    events = [to_dict(event) for event in service.log(world, after=after, limit=limit)]
    if not isinstance(now, Refusal):
        for event in events:
            event["sentence"] = sentence(event, now)
    next_after = events[-1]["seq"] if len(events) == limit else None
    head = service.head_seq(world) or 0
    return EventsPage(events=events, next_after=next_after, head=head, seq_at=seq_at)


@router.get("/worlds/{world}/verify", response_model=VerifyResult)
def get_verify(world: str, service: Service, token: Token) -> VerifyResult:
    """CHAIN-1: recompute the hash chain; name the first event whose bytes or order changed."""
    reader(service, world, token)
    verdict = service.verify(world)
    if isinstance(verdict, Refusal):
        raise Refused(verdict)
    return VerifyResult(**msgspec.to_builtins(verdict))
