"""Worlds: the public listing, creating a world, forking one."""

from __future__ import annotations

from fastapi import APIRouter

from hightable.api.access import Service, Token, instant_of, table_only
from hightable.api.errors import Refused
from hightable.api.models import CreateWorld, ForkWorld, WorldIssued, WorldListing
from hightable.core import Refusal

router = APIRouter(tags=["worlds"])


@router.get("/health", tags=["server"])
def health() -> dict[str, bool]:
    return {"ok": True}


@router.get("/worlds", response_model=list[WorldListing])
def list_public_worlds(service: Service) -> list[WorldListing]:
    """The public worlds of this server."""
    return [
        WorldListing(world=w.world, start=w.start, events=w.events, clock=w.clock)
        for w in service.public_worlds()
    ]


@router.post("/worlds", status_code=201, response_model=WorldIssued)
def create_world(body: CreateWorld, service: Service) -> WorldIssued:
    """Create a world (WORLD-1); the answer holds its table token, shown this once."""
    created = service.create(body.world, instant_of(body.start, "start") or "")
    if isinstance(created, Refusal):
        raise Refused(created)
    token = service.issue_token(body.world)
    if body.public:
        service.set_public(body.world, True)
    return WorldIssued(world=body.world, start=created.at, table_token=token)


@router.post("/worlds/{world}/fork", status_code=201, response_model=WorldIssued)
def fork_world(world: str, body: ForkWorld, service: Service, token: Token) -> WorldIssued:
    """A what-if branch: a new world holding the log up to an instant, with a table token."""
    table_only(service, world, token)
    forked = service.fork(world, body.world, instant_of(body.at, "at") or "")
    if isinstance(forked, Refusal):
        raise Refused(forked)
    new_table = service.issue_token(body.world)
    start = service.state(body.world)
    return WorldIssued(
        world=body.world,
        start=start.start if not isinstance(start, Refusal) else "",
        table_token=new_table,
    )
