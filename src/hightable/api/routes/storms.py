"""What-if storms: random commands by every actor on a fork of a world, in memory, with every
promise checked; the world itself is only read."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from hightable.api.access import Service, Token, reader
from hightable.api.errors import refused
from hightable.limits import storm_steps_max
from hightable.storm.run import storm
from hightable.storm.start import StartError, from_service

router = APIRouter(tags=["storms"])
# One storm at a time per process: a storm takes a core for a few seconds, and a public world's
# page may be opened by anyone (LIMIT-1).
_storming = threading.Lock()


class StormRequest(BaseModel):
    seed: int = Field(1, ge=0, le=2**32, description="The same seed gives the same storm.")
    steps: int = Field(500, ge=1, le=storm_steps_max, description="Commands to send.")


@router.post("/worlds/{world}/storm")
def storm_world(world: str, body: StormRequest, service: Service, token: Token) -> dict[str, Any]:
    """A storm on a fork of the world (never the world itself): what was accepted, refused by
    which rule, which rules it never reached, and the first broken promise, if any."""
    reader(service, world, token)
    try:
        start = from_service(service, world)
    except StartError as error:
        raise refused("ID-3", str(error)) from None
    if not _storming.acquire(blocking=False):
        raise refused("LIMIT-1", "a storm is running on this server; try again shortly", 429)
    try:
        report = storm(start, body.seed, body.steps)
    finally:
        _storming.release()
    answer = report.as_dict()
    answer.pop("story", None)  # a story is written by the command line, not over HTTP
    return answer | report.timing()
