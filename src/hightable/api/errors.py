"""Refusals and failures on their way out as HTTP answers: the rule decides the status.

Whatever goes wrong, the answer is a JSON body naming a rule (docs/rules.md), never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hightable.api.requestlog import note
from hightable.core import Refusal
from hightable.core.rules import refuse
from hightable.errors import Corrupt, HightableError

# The database drivers' own errors: a store that let one through still failed as a store.
DRIVERS = ("sqlite3", "psycopg", "psycopg_pool")
LOG = logging.getLogger("hightable.api")


class Refused(Exception):
    """A refusal on its way out as an HTTP answer."""

    def __init__(self, refusal: Refusal, status: int | None = None):
        self.refusal, self.status = refusal, status or status_of(refusal)


def status_of(refusal: Refusal) -> int:
    """409 for a rule; 422 for a malformed request; 404 for what does not exist (docs/rules.md)."""
    if refusal.rule in ("CMD-1", "ID-1"):
        return 422
    if refusal.rule == "ID-3":
        return 404
    if refusal.rule in ("ACCESS-1", "ACCESS-3"):
        return 401
    if refusal.rule == "ACCESS-2":
        return 403
    # Faults of hightable itself, never of the sender: nothing was stored.
    faults = {"STORE-1": 503, "INTERNAL-1": 500, "INVARIANT-1": 500, "FAULT-1": 500}
    return faults.get(refusal.rule, 409)


def refused(rule: str, message: str, status: int | None = None) -> Refused:
    return Refused(refuse(rule, message), status)


def answer(refusal: Refusal, status: int) -> JSONResponse:
    note(rule=refusal.rule)
    return JSONResponse(msgspec.to_builtins(refusal), status_code=status)


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refused)
    async def on_refused(request: Request, error: Refused) -> JSONResponse:
        return answer(error.refusal, error.status)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return answer(refuse("CMD-1", invalid_message(error)), 422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        rule = "ID-3" if error.status_code == 404 else "CMD-1"
        status = 422 if error.status_code == 400 else error.status_code  # a body that is no JSON
        response = answer(refuse(rule, str(error.detail)), status)
        response.headers.update(error.headers or {})  # e.g. Allow, on 405
        return response

    @app.exception_handler(HightableError)
    async def on_failure(request: Request, error: HightableError) -> JSONResponse:
        return failure(error)


def failure(error: HightableError) -> JSONResponse:
    """A corrupt log (CHAIN-1), or the store failed (STORE-1): nothing was applied."""
    if isinstance(error, Corrupt):
        return answer(refuse("CHAIN-1", f"the world's log is corrupt: {error}"), 500)
    return answer(refuse("STORE-1", f"the store failed; try again: {error}"), 503)


def invalid_message(error: RequestValidationError) -> str:
    """The first problem FastAPI found, naming the field: `limit: Input should be ...`."""
    first = error.errors()[0] if error.errors() else {}
    if first.get("type") == "json_invalid":
        return "body: not valid JSON"
    location = [str(part) for part in first.get("loc", ())]
    where = (
        ".".join(location[1:])
        if location[:1] in (["body"], ["query"], ["path"], ["header"])
        else ".".join(location)
    )
    return f"{where or 'body'}: {first.get('msg', 'is malformed')}"


def unexpected(error: Exception) -> JSONResponse:
    """STORE-1 for a driver's error, INTERNAL-1 for anything else: named, never shown."""
    kind = type(error).__name__
    if type(error).__module__.partition(".")[0] in DRIVERS:
        return answer(refuse("STORE-1", f"the store failed ({kind}); try again"), 503)
    return answer(refuse("INTERNAL-1", f"the server failed ({kind}); the failure is logged"), 500)


class Unexpected:
    """Pure ASGI middleware: an exception no handler took is answered as JSON and logged.

    Left to the server, it would be a plain-text 500 and a closed connection.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching_send(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as error:
            if started:  # a stream already under way: nothing left to do but close it
                raise
            LOG.exception("%s %s failed", scope.get("method"), scope.get("path"))
            await unexpected(error)(scope, receive, send)
