"""The live feed: a world's events as Server-Sent Events."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from hightable.api.access import Service, Token, reader
from hightable.api.errors import Refused
from hightable.api.feed import Feeds, resume_after, stream
from hightable.errors import HightableError
from hightable.limits import feed_seconds_max, last_event_id_length_max, seq_max

router = APIRouter(tags=["reading"])


@router.get(
    "/worlds/{world}/feed",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-Sent Events: `id` is the seq, `event` the type,"
            " `data` the event's JSON.",
        }
    },
)
async def feed(
    world: str,
    request: Request,
    service: Service,
    token: Token,
    after: Annotated[
        int | None, Query(ge=0, le=seq_max, description="Resume after this seq.")
    ] = None,
    seconds: Annotated[
        float,
        Query(
            gt=0,
            le=feed_seconds_max,
            description="Close the stream after this long; reconnect with Last-Event-ID.",
        ),
    ] = 300,
    names: Annotated[
        bool, Query(description="Name each event by its type (false: all plain messages).")
    ] = True,
    last_event_id: Annotated[str | None, Header(max_length=last_event_id_length_max)] = None,
) -> StreamingResponse:
    """The world's events live, as Server-Sent Events, resumable from a seq (Last-Event-ID)."""
    await anyio.to_thread.run_sync(reader, service, world, token)
    start = after if after is not None else resume_after(last_event_id)
    feeds: Feeds = request.app.state.feeds

    def check() -> bool:
        """Still a reader: the token not revoked, the world neither made private nor deleted."""
        try:
            reader(service, world, token)
        except (Refused, HightableError):  # a store that cannot answer ends it too
            return False
        return True

    def allowed() -> bool:
        return feeds.checks.allowed(world, token, check)

    return StreamingResponse(
        stream(feeds, world, start, seconds, names, allowed),
        media_type="text/event-stream",
    )
