"""Reading: the view (now or at an instant), a dossier, the log a page at a time, verify."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, Query

from hightable.api.access import Service, Token, instant_of, reader
from hightable.api.errors import Refused, refused
from hightable.api.models import EventsPage, VerifyResult
from hightable.core import Refusal, State, to_dict, view, view_at
from hightable.core.dossier import dossier
from hightable.core.pages import neighbourhood, view_page
from hightable.core.state import bounty_on
from hightable.core.view import Document, PathError
from hightable.limits import (
    id_length_max,
    instant_text_length_max,
    page_entries_max,
    page_events_max,
    path_length_max,
    seq_max,
)
from hightable.sentences import sentence, with_sentences
from hightable.service import WorldService
from hightable.service.lookup import member_refusal

router = APIRouter(tags=["reading"])

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
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=page_entries_max,
            description="Each section cut to this many entries, those in play first; `totals` "
            "counts them all.",
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
    """The view of §14, as of the clock or an earlier instant: whole, at a path, a page of each
    section, or around one member."""
    state = state_at(service, world, token, at)
    if around is not None:
        missing = member_refusal(state, around)
        if missing is not None:
            raise Refused(missing)
        return neighbourhood(state, around, limit or 50)
    if limit is not None and not path:
        return view_page(state, limit)
    if not path:
        return view(state)
    try:
        return view_at(state, path)
    except PathError as error:
        raise refused("ID-3", f"path: {error}") from None


@router.get("/worlds/{world}/members/{member}/dossier")
def get_dossier(
    world: str, member: str, service: Service, token: Token, at: At = None
) -> dict[str, Any]:
    """A member's dossier: status, family, coins, markers, contracts, terms, duels, breaches."""
    state = state_at(service, world, token, at)
    missing = member_refusal(state, member)
    if missing is not None:
        raise Refused(missing)
    record = with_sentences(dossier(service.events_known(world, state), state, member), state)
    record["series"] = series(service, world, member, [e["at"] for e in record["timeline"]])
    return record


SERIES_POINTS_MAX = 80  # instants of a dossier's chart: enough to draw, few enough to read fast


def series(service: WorldService, world: str, member: str, instants: list[str]) -> list[Document]:
    """The member's balance and bounty as of the instants of their timeline (at most
    SERIES_POINTS_MAX of them, spread over it, the last always among them)."""
    distinct = sorted(set(instants))
    step = max(1, -(-len(distinct) // SERIES_POINTS_MAX))
    chosen = distinct[::-1][::step][::-1]
    points: list[Document] = []
    for instant in chosen:
        state = service.state_at(world, instant)
        if isinstance(state, Refusal) or member not in state.members:
            continue
        balance, bounty = state.balances.get(member, 0), bounty_on(state, member)
        points.append({"at": instant, "balance": balance, "bounty": bounty})
    return points


def state_at(service: WorldService, world: str, token: str | None, at: str | None) -> State:
    """The world as of `at` (default: its clock), for a reader of it."""
    reader(service, world, token)
    state = service.state_at(world, instant_of(at, "at"))
    if isinstance(state, Refusal):
        raise Refused(state)
    return state


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
