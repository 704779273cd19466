"""Who may create, read and write a world over HTTP (ACCESS-1, ACCESS-2, ACCESS-3), and the
request's parts that every route reads: the service, the settings, the token, an instant."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from hightable.api.errors import Refused, refused
from hightable.api.requestlog import note
from hightable.api.settings import ServerSettings
from hightable.core.commands import is_slug
from hightable.core.instants import InstantError, parse_instant
from hightable.limits import token_length_max
from hightable.service import WorldService
from hightable.service.access import TABLE_HOLDER
from hightable.service.lookup import no_world


async def service_of(request: Request) -> WorldService:
    """The application's one service (made by `create_app`)."""
    service: WorldService = request.app.state.service
    return service


async def presented_token(
    authorization: Annotated[str | None, Header(description="`Bearer TOKEN`")] = None,
    token: Annotated[
        str | None,
        Query(description="The token, where no header can be sent.", max_length=token_length_max),
    ] = None,
) -> str | None:
    """The token of a request: `Authorization: Bearer TOKEN`, else `?token=`."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return token


async def settings_of(request: Request) -> ServerSettings:
    """What the operator chose for this server (made by `create_app`)."""
    settings: ServerSettings = request.app.state.settings
    return settings


# Dependencies are coroutines though they wait on nothing: FastAPI runs a plain function's in a
# thread, a hop between threads for every request.
Service = Annotated[WorldService, Depends(service_of)]
Settings = Annotated[ServerSettings, Depends(settings_of)]
Token = Annotated[str | None, Depends(presented_token)]


def holder(service: WorldService, world: str, token: str | None) -> str | None:
    """Who the presented token acts as in this world (`table` or a member), or None."""
    if not token:
        return None
    if token.partition(".")[0] != world:
        raise refused("ACCESS-2", f"this token is not for the world {world!r}")
    found = service.token_holder(world, token)
    if found is None:
        raise refused("ACCESS-1", f"the token is not one of the world {world!r}, or was revoked")
    note(actor=found)
    return found


def existing(service: WorldService, world: str) -> None:
    """ID-3 (404) unless the store holds the world."""
    missing = no_world(world) if not is_slug(world) else service.world_refusal(world)
    if missing is not None:
        raise Refused(missing)


def reader(service: WorldService, world: str, token: str | None) -> str | None:
    """ACCESS-1: a token of the world, or a public world."""
    existing(service, world)
    who = holder(service, world, token)
    if who is None and not service.is_public(world):
        raise refused("ACCESS-1", f"reading {world!r} needs a token of that world")
    return who


def writer(service: WorldService, world: str, token: str | None, by: object) -> None:
    """ACCESS-1 and ACCESS-2: a table token acts as anyone; a member token as its member."""
    writer_of_all(service, world, token, [by])


def writer_of_all(service: WorldService, world: str, token: str | None, bys: list[object]) -> None:
    """`writer` for each of a batch's senders, the store asked once, not once a command."""
    existing(service, world)
    if not bys:
        return
    may_send(holder(service, world, token), world, bys)
    if isinstance(bys[0], str):
        note(actor=bys[0][:80])


def may_send(who: str | None, world: str, bys: list[object]) -> None:
    """ACCESS-1 and ACCESS-2 for the holder a token was found to be (`holder`)."""
    if who is None:
        raise refused("ACCESS-1", f"commands to {world!r} need a token of that world")
    for by in bys:
        if who != TABLE_HOLDER and by != who:
            raise refused("ACCESS-2", f"this token acts as {who}, not as {str(by)[:80]!r}")


def operator(settings: ServerSettings, token: str | None) -> None:
    """ACCESS-3: creating a world needs the operator's token, unless creation is open."""
    if settings.open_creation:
        return
    if not settings.operator_token:
        raise refused("ACCESS-3", "creating worlds over HTTP is closed on this server", 403)
    # Compared in constant time: the answer's timing tells nothing of the token.
    if not token or not hmac.compare_digest(token.encode(), settings.operator_token.encode()):
        raise refused("ACCESS-3", "creating a world needs the operator's token", 401)
    note(actor="operator")


def table_only(service: WorldService, world: str, token: str | None) -> None:
    existing(service, world)
    if holder(service, world, token) != TABLE_HOLDER:
        raise refused(
            "ACCESS-2", f"only the table token of {world!r} may do this", 403 if token else 401
        )


def instant_of(value: str | None, field: str) -> str | None:
    """An instant sent as `field`, in its canonical form; CMD-1 naming the field if it is none."""
    if value is None:
        return None
    try:
        return parse_instant(value)
    except InstantError as error:
        raise refused("CMD-1", f"{field}: {error}") from None
