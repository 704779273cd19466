"""The live feed: a world's events as Server-Sent Events, resumable from a seq."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import anyio
from fastapi import Request

from hightable.api.errors import refused
from hightable.core.chain import Record
from hightable.limits import feed_page_records_max, seq_max
from hightable.service import WorldService

POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0

_subscribers = 0  # streams open now in this process


def subscribers() -> int:
    """How many live feeds this process serves now (read by the metrics)."""
    return _subscribers


_SEQ = re.compile(r"[0-9]{1,19}")  # ASCII decimal only: int() also reads " 5", "-1" and "١٢"


def resume_after(last_event_id: str | None) -> int:
    """The seq a reconnecting client saw last: ASCII decimal, 0 to 2^62, or CMD-1."""
    if last_event_id is None:
        return 0
    if not _SEQ.fullmatch(last_event_id) or int(last_event_id) > seq_max:
        raise refused(
            "CMD-1", f"Last-Event-ID: {last_event_id[:32]!r} is not a seq (0 to {seq_max})"
        )
    return int(last_event_id)


async def stream(
    service: WorldService, world: str, after: int, seconds: float, request: Request, names: bool
) -> AsyncIterator[str]:
    """Poll the store (any process may have written) and send what is new, in order."""
    global _subscribers
    _subscribers += 1
    try:
        async for chunk in _poll(service, world, after, seconds, request, names):
            yield chunk
    finally:
        _subscribers -= 1


async def _poll(
    service: WorldService, world: str, after: int, seconds: float, request: Request, names: bool
) -> AsyncIterator[str]:
    yield "retry: 1000\n\n"
    with anyio.move_on_after(seconds):
        idle = 0.0
        while not await request.is_disconnected():
            records = await anyio.to_thread.run_sync(page, service, world, after)
            for record in records:
                name = f"event: {record.type}\n" if names else ""
                yield f"id: {record.seq}\n{name}data: {record.body.decode()}\n\n"
                after = record.seq
            if records:
                idle = 0.0
                continue
            idle += POLL_SECONDS
            if idle >= KEEPALIVE_SECONDS:  # a comment now and then keeps proxies from closing
                idle = 0.0
                yield ": still here\n\n"
            await anyio.sleep(POLL_SECONDS)


def page(service: WorldService, world: str, after: int) -> list[Record]:
    return list(service.records(world, after, limit=feed_page_records_max))
