"""The access log: one line per request (JSON or text), with the world, the actor, the command,
the outcome, the rule, the status and the latency. Never a token: the path is logged without its
query (where `?token=` goes), and the actor is who a token acts as, never the token itself.

Routes and handlers add what they learn to the request's notes (`note`), a mapping held in a
context variable that the worker threads of sync routes share with the request's task.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

LOG = logging.getLogger("hightable.access")
_notes: ContextVar[dict[str, object] | None] = ContextVar("hightable_request_notes", default=None)

FIELDS = ("world", "actor", "command", "outcome", "rule")


def note(**fields: object) -> None:
    """Add what a route learned to the current request's log line (outside a request: nothing)."""
    notes = _notes.get()
    if notes is not None:
        notes.update(fields)


def configure(log_format: str) -> None:
    """Write the access log to standard error, once per process."""
    LOG.setLevel(logging.INFO)
    LOG.propagate = False
    if log_format != "none" and not LOG.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        LOG.addHandler(handler)


# In a text line, what a sender chose (a path, a `by`) is escaped where it could end the line or
# a field and so forge another: controls (C0, DEL, C1), the Unicode line breaks and the space.
_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(0x21), *range(0x7F, 0xA0)]}
_ESCAPES |= {0x2028: "\\u2028", 0x2029: "\\u2029"}


def _field(value: object) -> str:
    return str(value).translate(_ESCAPES)


def line(entry: dict[str, object], log_format: str) -> str:
    if log_format == "json":
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    extra = " ".join(f"{key}={_field(entry[key])}" for key in FIELDS if entry.get(key) is not None)
    return (
        f"{entry['time']} {entry['method']} {_field(entry['path'])} {entry['status']}"
        f" {entry['latency_ms']}ms {extra}".rstrip()
    )


def outcome_of(status: int) -> str:
    return "ok" if status < 400 else "refused" if status < 500 else "failed"


class AccessLog:
    """Pure ASGI middleware (a BaseHTTPMiddleware would cut the context the notes ride on)."""

    def __init__(self, app: Any, log_format: str, after: Callable[[], None] | None = None) -> None:
        self.app, self.log_format, self.after = app, log_format, after

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        notes: dict[str, object] = {}
        reset = _notes.set(notes)
        started = time.perf_counter()
        status = 500  # unless an answer starts
        body_begun = False

        async def watching_send(message: Any) -> None:
            nonlocal status, body_begun
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif not body_begun and self.after is not None:
                # The first bytes of the body: a stream (the live feed) has begun; the gauges
                # see it now, not only when it ends.
                body_begun = True
                self.after()
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        finally:
            _notes.reset(reset)
            if self.after is not None:
                self.after()
            if self.log_format != "none":
                self._log(scope, notes, status, time.perf_counter() - started)

    def _log(
        self, scope: dict[str, Any], notes: dict[str, object], status: int, seconds: float
    ) -> None:
        world = notes.get("world") or (scope.get("path_params") or {}).get("world")
        entry: dict[str, object] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": scope.get("method"),
            "path": scope.get("path"),  # never the query string: a token may ride in it
            "status": status,
            "latency_ms": round(seconds * 1000, 2),
            "world": world,
            "actor": notes.get("actor"),
            "command": notes.get("command"),
            "outcome": notes.get("outcome") or outcome_of(status),
            "rule": notes.get("rule"),
        }
        LOG.info(line(entry, self.log_format))
