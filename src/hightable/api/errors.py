"""Refusals on their way out as HTTP answers: the rule decides the status."""

from __future__ import annotations

import msgspec
from fastapi.responses import JSONResponse

from hightable.core import Refusal
from hightable.core.rules import refuse


class Refused(Exception):
    """A refusal on its way out as an HTTP answer."""

    def __init__(self, refusal: Refusal, status: int | None = None):
        self.refusal, self.status = refusal, status or status_of(refusal)


def status_of(refusal: Refusal) -> int:
    """409 for a rule; 422 for a malformed request; 404 for what does not exist (§ API)."""
    if refusal.rule in ("CMD-1", "ID-1"):
        return 422
    if refusal.rule == "ID-3":
        return 404
    if refusal.rule == "ACCESS-1":
        return 401
    if refusal.rule == "ACCESS-2":
        return 403
    return 409


def refused(rule: str, message: str, status: int | None = None) -> Refused:
    return Refused(refuse(rule, message), status)


def answer(refusal: Refusal, status: int) -> JSONResponse:
    return JSONResponse(msgspec.to_builtins(refusal), status_code=status)
