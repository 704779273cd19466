"""Who may read and write a world over HTTP: tokens, hashed at rest (ACCESS-1, ACCESS-2)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Annotated

from fastapi import Header, Query

from hightable.api.errors import refused
from hightable.core.commands import is_slug
from hightable.core.instants import InstantError, parse_instant
from hightable.service import WorldService


def new_token(world: str) -> tuple[str, str]:
    """A token (the world's id, a dot, 256 random bits) and its hash, which alone is stored."""
    token = f"{world}.{secrets.token_urlsafe(32)}"
    return token, hashlib.sha256(token.encode()).hexdigest()


def presented(authorization: str | None, token: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return token


def holder(service: WorldService, world: str, token: str | None) -> str | None:
    """Who the presented token acts as in this world (`table` or a member), or None."""
    if not token:
        return None
    if token.partition(".")[0] != world:
        raise refused("ACCESS-2", f"this token is not for the world {world!r}")
    found = service.store.token_holder(world, hashlib.sha256(token.encode()).hexdigest())
    if found is None:
        raise refused("ACCESS-1", f"the token is not one of the world {world!r}")
    return found


def existing(service: WorldService, world: str) -> None:
    if not is_slug(world) or service.store.head(world) is None:
        raise refused("ID-3", f"no world {world[:80]!r} here")


def reader(service: WorldService, world: str, token: str | None) -> str | None:
    """ACCESS-1: a token of the world, or a public world."""
    existing(service, world)
    who = holder(service, world, token)
    if who is None and not service.store.is_public(world):
        raise refused("ACCESS-1", f"reading {world!r} needs a token of that world")
    return who


def writer(service: WorldService, world: str, token: str | None, by: object) -> None:
    """ACCESS-1 and ACCESS-2: a table token acts as anyone; a member token as its member."""
    existing(service, world)
    who = holder(service, world, token)
    if who is None:
        raise refused("ACCESS-1", f"commands to {world!r} need a token of that world")
    if who != "table" and by != who:
        raise refused("ACCESS-2", f"this token acts as {who}, not as {str(by)[:80]!r}")


def table_only(service: WorldService, world: str, token: str | None) -> None:
    existing(service, world)
    if holder(service, world, token) != "table":
        raise refused(
            "ACCESS-2", f"only the table token of {world!r} may do this", 403 if token else 401
        )


def instant_of(at: str | None) -> str | None:
    if at is None:
        return None
    try:
        return parse_instant(at)
    except InstantError as error:
        raise refused("CMD-1", f"at: {error}") from None


Auth = Annotated[str | None, Header(description="`Bearer TOKEN`")]
TokenQuery = Annotated[
    str | None, Query(description="The token, where no header can be sent.", max_length=200)
]
