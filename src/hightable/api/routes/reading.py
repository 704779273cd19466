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
from hightable.core.view import SECTIONS, PathError, view_page
from hightable.limits import (
    instant_text_length_max,
    page_entries_max,
    page_events_max,
    path_length_max,
    seq_max,
)
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
        int, Query(ge=0, le=seq_max, description="With `limit`: the first entry of the page.")
    ] = 0,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=page_entries_max,
            description="Entries of each section in a page (at most "
            f"{page_entries_max}); the whole view or a section; default: all, unpaged.",
        ),
    ] = None,
) -> Any:
    """The view of §14, as of the clock or an earlier instant: whole, at a path, or a page of
    the whole view or of one section (`next_offset` names the next page)."""
    reader(service, world, token)
    if limit is not None and path and path not in SECTIONS:
        raise refused("CMD-1", "limit: pages the whole view or one section, not a deeper path")
    instant = instant_of(at, "at")
    if limit is None and not path:  # the whole document: built on a copy, out of the world's lock
        return view(answer(service.state_at(world, instant)))

    def read(state: State) -> Any:  # what a path or a page reaches, read in place
        if limit is not None:
            return view_page(state, offset, limit, [path] if path else ())
        return view_at(state, path or "")

    try:
        return answer(service.reading(world, instant, read))
    except PathError as error:
        raise refused("ID-3", f"path: {error}") from None


@router.get("/worlds/{world}/members/{member}/dossier")
def get_dossier(
    world: str, member: str, service: Service, token: Token, at: At = None
) -> dict[str, Any]:
    """A member's dossier: status, family, coins, markers, contracts, terms, duels, breaches.
    Its events are found by the index of which events name whom: it costs what it shows."""
    reader(service, world, token)

    def read(state: State) -> Standing | Refusal:
        missing = member_refusal(state, member)
        if missing is not None:
            return missing
        # The member's own events, read under the world's lock (no tie can be made meanwhile),
        # name every object it is party to: only those are looked up in the state.
        mine = service.events_naming(world, [member])
        return standing(state, member, candidates_in(mine, member))

    stand = answer(service.reading(world, instant_of(at, "at"), read))
    if isinstance(stand, Refusal):
        raise Refused(stand)
    events = service.events_naming(world, names_for(member, stand.held))
    return dossier_from(events, member, stand)


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
) -> EventsPage:
    """The log, a page at a time."""
    reader(service, world, token)
    events = [to_dict(event) for event in service.log(world, after=after, limit=limit)]
    next_after = events[-1]["seq"] if len(events) == limit else None
    return EventsPage(events=events, next_after=next_after)


@router.get("/worlds/{world}/verify", response_model=VerifyResult)
def get_verify(world: str, service: Service, token: Token) -> VerifyResult:
    """CHAIN-1: recompute the hash chain; name the first event whose bytes or order changed."""
    reader(service, world, token)
    verdict = service.verify(world)
    if isinstance(verdict, Refusal):
        raise Refused(verdict)
    return VerifyResult(**msgspec.to_builtins(verdict))
