"""The view a page at a time, for worlds of any size: a section searched and paged, and a
member's balance and bounty over time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from hightable.api.access import Service, Token, instant_of, reader
from hightable.api.routes.reading import At, answer
from hightable.core import Refusal, State
from hightable.core.pages import section_page
from hightable.core.state import bounty_on
from hightable.core.view import SECTIONS, Document
from hightable.limits import id_length_max, page_entries_max
from hightable.service import WorldService
from hightable.service.lookup import member_refusal

router = APIRouter(tags=["reading"])

Search = Annotated[
    str,
    Query(description="Entries whose id or name holds this (any case).", max_length=id_length_max),
]
Offset = Annotated[int, Query(ge=0, le=10**9, description="Entries to skip.")]
Limit = Annotated[int, Query(ge=1, le=page_entries_max, description=f"At most {page_entries_max}.")]


def add_section_route(name: str) -> None:
    def get_section(
        world: str,
        service: Service,
        token: Token,
        q: Search = "",
        offset: Offset = 0,
        limit: Limit = 50,
        at: At = None,
    ) -> dict[str, Any]:
        reader(service, world, token)
        return answer(
            service.reading(
                world,
                instant_of(at, "at"),
                lambda state: section_page(state, name, q, offset, limit),
            )
        )

    get_section.__doc__ = (
        f"The {name} of the view (§14), searched and a page at a time: those in play first; "
        "`total` counts every match."
    )
    router.add_api_route(
        f"/worlds/{{world}}/{name}", get_section, methods=["GET"], name=f"get_{name}"
    )


for section in SECTIONS:
    add_section_route(section)


SERIES_POINTS_MAX = 80  # instants of a dossier's chart: enough to draw, few enough to read fast


@router.get("/worlds/{world}/members/{member}/series")
def get_series(
    world: str, member: str, service: Service, token: Token, at: At = None
) -> list[Document]:
    """A member's balance and bounty as of the instants of their events, up to `at` (at most
    80 of them, spread over their timeline, the last always among them): the dossier's chart."""
    reader(service, world, token)
    instant = instant_of(at, "at")

    def instants(state: State) -> list[str] | Refusal:
        missing = member_refusal(state, member)
        if missing is not None:
            return missing
        return sorted({e.at for e in service.events_naming(world, [member]) if e.at <= state.clock})

    return series(service, world, member, answer(service.reading(world, instant, instants)))


def series(service: WorldService, world: str, member: str, instants: list[str]) -> list[Document]:
    step = max(1, -(-len(instants) // SERIES_POINTS_MAX))
    points: list[Document] = []
    for instant in instants[::-1][::step][::-1]:
        state = service.state_at(world, instant)
        if isinstance(state, Refusal) or member not in state.members:
            continue
        balance, bounty = state.balances.get(member, 0), bounty_on(state, member)
        points.append({"at": instant, "balance": balance, "bounty": bounty})
    return points
