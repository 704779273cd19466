"""The short way in for the request a game sends most: one command, `POST
/worlds/{world}/commands`, a JSON object with a bearer token.

It is answered here by the route's own `command_answer` (routes/commands.py), with the same
funnel and the same bodies, but without FastAPI's routing, dependencies and validation, which
cost more than deciding and committing the command. Every other request, and any such request
that is not plain (another content type, a query string, two tokens, a body that is no JSON
object), goes on to the application, its body handed over as it came.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hightable.api.errors import Refused, answer, failure
from hightable.api.funnel import Funnel
from hightable.api.routes.commands import command_answer
from hightable.core.commands import is_slug
from hightable.errors import HightableError


class CommandDoor:
    """Pure ASGI middleware, inside the body limit and the access log, before the routes."""

    def __init__(self, app: ASGIApp, funnel: Funnel) -> None:
        self.app, self.funnel = app, funnel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        world = plain_command(scope)
        if world is None:
            await self.app(scope, receive, send)
            return
        body, more = await read_body(receive)
        if more is not None:  # the client went away, or sent what the application answers
            await self.app(scope, handing_over(body, more, receive), send)
            return
        command = json_object(body)
        if command is None:
            await self.app(scope, handing_over(body, None, receive), send)
            return
        try:
            response = await command_answer(self.funnel, world, command, bearer(scope))
        except Refused as refused:
            response = answer(refused.refusal, refused.status)
        except HightableError as error:
            response = failure(error)
        await response(scope, receive, send)


def plain_command(scope: Scope) -> str | None:
    """The world of a plain command request, or None for anything else."""
    if scope["type"] != "http" or scope["method"] != "POST" or scope.get("query_string"):
        return None
    path: str = scope["path"]
    if not (path.startswith("/worlds/") and path.endswith("/commands")):
        return None
    world = path[len("/worlds/") : -len("/commands")]
    if not is_slug(world):
        return None
    types = [value for name, value in scope["headers"] if name == b"content-type"]
    tokens = [value for name, value in scope["headers"] if name == b"authorization"]
    if types != [b"application/json"] or len(tokens) > 1:
        return None
    return world


def bearer(scope: Scope) -> str | None:
    """`Authorization: Bearer TOKEN`, as the route's `presented_token` reads it."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            text = value.decode("latin-1")
            if text.lower().startswith("bearer "):
                return text[7:].strip() or None
    return None


async def read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The whole body, or what was read of it and the message that was no part of it."""
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts), message
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts), None


def handing_over(body: bytes, after: Message | None, receive: Receive) -> Receive:
    """A receive that gives the body already read, then what came after it, then the rest."""
    pending: list[Message] = [
        {"type": "http.request", "body": body, "more_body": after is not None}
    ]
    if after is not None:
        pending.append(after)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


# A body with more brackets than this may nest deeper than the route's JSON parser can go
# before Python's recursion limit, a depth that hangs on how deep the stack already is there:
# the route answers it, so that both ways in always answer alike.
BRACKETS_MAX = 256


def json_object(body: bytes) -> dict[str, Any] | None:
    """The body as FastAPI would read it (the standard library's JSON), if a JSON object."""
    if body.count(b"[") + body.count(b"{") > BRACKETS_MAX:
        return None
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # the application names what is wrong with it
        return None
    return value if isinstance(value, dict) else None
