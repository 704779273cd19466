"""The view a page at a time, for worlds of any size: a section searched and paged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from hightable.api.access import Service, Token
from hightable.api.routes.reading import At, state_at
from hightable.core.pages import section_page
from hightable.core.view import SECTIONS
from hightable.limits import id_length_max, page_entries_max

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
        state = state_at(service, world, token, at)
        return section_page(state, name, q, offset, limit)

    get_section.__doc__ = (
        f"The {name} of the view (§14), searched and a page at a time: those in play first; "
        "`total` counts every match."
    )
    router.add_api_route(
        f"/worlds/{{world}}/{name}", get_section, methods=["GET"], name=f"get_{name}"
    )


for section in SECTIONS:
    add_section_route(section)
