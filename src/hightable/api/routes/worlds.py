"""Worlds: the public listing, creating (ACCESS-3), forking, archiving (WORLD-2), deleting."""

from __future__ import annotations

from fastapi import APIRouter

from hightable.api.access import (
    Service,
    Settings,
    Token,
    existing,
    instant_of,
    operator,
    table_only,
)
from hightable.api.errors import Refused, refused
from hightable.api.models import (
    ArchiveWorld,
    CreateWorld,
    DeleteWorld,
    ForkWorld,
    WorldIssued,
    WorldListing,
    WorldState,
)
from hightable.api.requestlog import note
from hightable.core import Refusal

router = APIRouter(tags=["worlds"])


@router.get("/worlds", response_model=list[WorldListing])
def list_public_worlds(service: Service) -> list[WorldListing]:
    """The public worlds of this server (archived ones left out)."""
    return [
        WorldListing(world=w.world, start=w.start, events=w.events, clock=w.clock)
        for w in service.public_worlds()
    ]


@router.post("/worlds", status_code=201, response_model=WorldIssued)
def create_world(
    body: CreateWorld, service: Service, settings: Settings, token: Token
) -> WorldIssued:
    """Create a world (WORLD-1) with the operator's token (ACCESS-3); the answer holds its table
    token, shown this once."""
    operator(settings, token)
    note(world=body.world, command="create_world")
    created = service.create(body.world, instant_of(body.start, "start") or "")
    if isinstance(created, Refusal):
        raise Refused(created)
    table_token = service.issue_token(body.world, label="created")
    if body.public:
        service.set_public(body.world, True)
    return WorldIssued(world=body.world, start=created.at, table_token=table_token)


@router.post("/worlds/{world}/fork", status_code=201, response_model=WorldIssued)
def fork_world(world: str, body: ForkWorld, service: Service, token: Token) -> WorldIssued:
    """A what-if branch: a new world holding the log up to an instant, with a table token."""
    table_only(service, world, token)
    forked = service.fork(world, body.world, instant_of(body.at, "at") or "")
    if isinstance(forked, Refusal):
        raise Refused(forked)
    new_table = service.issue_token(body.world, label=f"forked from {world}")
    start = service.state(body.world)
    return WorldIssued(
        world=body.world,
        start=start.start if not isinstance(start, Refusal) else "",
        table_token=new_table,
    )


@router.post("/worlds/{world}/archive", response_model=WorldState)
def archive_world(world: str, body: ArchiveWorld, service: Service, token: Token) -> WorldState:
    """(table) Archive the world: read-only, left out of the public listing (WORLD-2); or,
    with `archived: false`, open it to commands again."""
    table_only(service, world, token)
    note(command="archive" if body.archived else "unarchive")
    service.set_archived(world, body.archived)
    return WorldState(world=world, archived=body.archived, public=service.is_public(world))


@router.delete("/worlds/{world}", status_code=204)
def delete_world(world: str, body: DeleteWorld, service: Service, token: Token) -> None:
    """(table) Delete the world and all the store keeps of it: its log, snapshots and tokens.
    Confirm by naming the world again in the body: `{"confirm": "<world>"}`."""
    table_only(service, world, token)
    note(command="delete")
    if body.confirm != world:
        raise refused("CMD-1", f"confirm: name the world {world!r} to delete it")
    if not service.delete(world):
        existing(service, world)  # deleted meanwhile by another request: ID-3
