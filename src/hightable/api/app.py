"""The HTTP API: many worlds served to game clients, with a live feed and per-world access.

A thin shell: every request is authorized, handed to the world service, and its outcome turned
into a status and a JSON body. No rule is judged here.
"""

from __future__ import annotations

import os
from typing import Annotated, Any, Literal

import anyio
import msgspec
from fastapi import Body, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from hightable import __version__
from hightable.api.access import (
    Auth,
    TokenQuery,
    instant_of,
    new_token,
    presented,
    reader,
    table_only,
    writer,
)
from hightable.api.errors import Refused, Unexpected, add_error_handlers, refused, status_of
from hightable.api.feed import resume_after, stream
from hightable.api.limits import BodyLimit
from hightable.api.models import (
    COMMAND_DOC,
    COMMAND_EXAMPLE,
    MAX_BODY_BYTES,
    MAX_PAGE,
    BatchItem,
    BatchRefused,
    BatchRequest,
    BatchResult,
    CommandBody,
    CreateWorld,
    EventsPage,
    ForkWorld,
    IssueToken,
    Outcome,
    RefusalBody,
    TokenIssued,
    VerifyResult,
    WorldCreated,
    WorldListing,
)
from hightable.core import Accepted, Refusal, to_dict, view, view_at
from hightable.core.dossier import dossier
from hightable.core.view import PathError
from hightable.service import SERVER_TIMELINES, WorldService
from hightable.store import open_store
from hightable.web import add_pages

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": RefusalBody, "description": text}
    for status, text in {
        400: "The HTTP request itself is malformed (refused by the server before the API).",
        401: "No token, or not a token of this world (ACCESS-1).",
        403: "A member token acting as another member or in another world (ACCESS-2).",
        404: "No such world or object (ID-3).",
        409: "Refused under a rule of the rulebook.",
        413: "The request body is larger than 1 MiB (LIMIT-1).",
        422: "Malformed (CMD-1, ID-1) or past a limit (LIMIT-1).",
        500: "A corrupt log (CHAIN-1), or an unexpected failure (INTERNAL-1).",
        503: "The store failed; nothing was applied (STORE-1).",
    }.items()
}


def create_app(store_url: str | None = None, timelines: int = SERVER_TIMELINES) -> FastAPI:
    service = WorldService(open_store(store_url), timelines=timelines)
    app = FastAPI(
        title="hightable",
        version=__version__,
        description=(
            "The rules-as-code engine and ledger of the High Table, served.\n\n"
            "Create a world to receive its **table token**; the table issues **member tokens**. "
            "Send `Authorization: Bearer TOKEN` (or `?token=` where a header cannot be sent, as "
            "for the live feed). Limits (LIMIT-1): bodies up to 1 MiB, batches up to 1,000 "
            "commands, pages up to 1,000 events."
        ),
        responses=ERRORS,
    )
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(Unexpected)  # outermost of ours: it sees whatever the others let through
    app.state.service = service
    add_error_handlers(app)
    add_routes(app, service)
    add_pages(app)
    return app


# -- routes ------------------------------------------------------------------------------------


def add_routes(app: FastAPI, service: WorldService) -> None:
    @app.get("/health", tags=["server"])
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/worlds", response_model=list[WorldListing], tags=["worlds"])
    def list_public_worlds() -> list[WorldListing]:
        """The public worlds of this server."""
        return [
            WorldListing(world=w.world, start=w.start, events=w.events, clock=w.clock)
            for w in service.store.worlds()
            if service.store.is_public(w.world)
        ]

    @app.post("/worlds", status_code=201, response_model=WorldCreated, tags=["worlds"])
    def create_world(body: CreateWorld) -> WorldCreated:
        """Create a world (WORLD-1); the answer holds its table token, shown this once."""
        created = service.create(body.world, instant_of(body.start, "start") or "")
        if isinstance(created, Refusal):
            raise Refused(created)
        token, token_hash = new_token(body.world)
        service.store.save_token(body.world, token_hash, "table")
        if body.public:
            service.store.set_public(body.world, True)
        return WorldCreated(world=body.world, start=created.at, table_token=token)

    @app.post(
        "/worlds/{world}/tokens", status_code=201, response_model=TokenIssued, tags=["access"]
    )
    def issue_token(
        world: str, body: IssueToken, authorization: Auth = None, token: TokenQuery = None
    ) -> TokenIssued:
        """The table issues a member token: it acts only as that member, only in this world."""
        table_only(service, world, presented(authorization, token))
        state = service.state(world)
        if isinstance(state, Refusal) or body.member not in state.members:
            raise refused("ID-3", f"member: no member {body.member[:80]!r} in {world!r}")
        member_token, token_hash = new_token(world)
        service.store.save_token(world, token_hash, body.member)
        return TokenIssued(member=body.member, token=member_token)

    @app.post("/worlds/{world}/commands", response_model=Outcome, tags=["commands"])
    def send_command(
        world: str,
        command: Annotated[CommandBody, Body(description=COMMAND_DOC, examples=[COMMAND_EXAMPLE])],
        authorization: Auth = None,
        token: TokenQuery = None,
    ) -> Outcome:
        """Send one command; durable before the answer. 409 names the rule that refused it."""
        writer(service, world, presented(authorization, token), command.get("by"))
        outcome = service.execute(world, command)
        if isinstance(outcome, Refusal):
            raise Refused(outcome)
        events = [to_dict(e) for e in service.events_of(world, outcome)]
        return Outcome(outcome=outcome_kind(outcome), events=events)

    @app.post(
        "/worlds/{world}/batch",
        response_model=BatchResult,
        tags=["commands"],
        responses={409: {"model": BatchRefused, "description": "An atomic batch was refused."}},
    )
    def send_batch(
        world: str, body: BatchRequest, authorization: Auth = None, token: TokenQuery = None
    ) -> BatchResult | JSONResponse:
        """Many commands in one transaction: each on its own, or all-or-nothing (`atomic`)."""
        for command in body.commands:
            writer(service, world, presented(authorization, token), command.get("by"))
        batch = service.execute_batch(world, body.commands, atomic=body.atomic)
        items = [batch_item(service, world, o, batch.applied) for o in batch.outcomes]
        if not batch.applied and body.atomic:
            index, refusal = next(
                (n, o) for n, o in enumerate(batch.outcomes) if isinstance(o, Refusal)
            )
            refused_body = BatchRefused(
                rule=refusal.rule,
                title=refusal.title,
                message=f"commands[{index}]: {refusal.message}; nothing was applied",
                applied=False,
                outcomes=items,
            )
            return JSONResponse(refused_body.model_dump(), status_code=409)
        return BatchResult(applied=batch.applied, outcomes=items)

    @app.get("/worlds/{world}/view", tags=["reading"])
    def get_view(
        world: str,
        at: Annotated[
            str | None, Query(description="An instant; default: the clock.", max_length=64)
        ] = None,
        path: Annotated[
            str | None,
            Query(description="A dotted path, e.g. members.john.status.", max_length=500),
        ] = None,
        authorization: Auth = None,
        token: TokenQuery = None,
    ) -> Any:
        """The view of §14, as of the clock or an earlier instant, whole or at a path."""
        reader(service, world, presented(authorization, token))
        state = service.state_at(world, instant_of(at, "at"))
        if isinstance(state, Refusal):
            raise Refused(state)
        if not path:
            return view(state)
        try:
            return view_at(state, path)
        except PathError as error:
            raise refused("ID-3", f"path: {error}") from None

    @app.get("/worlds/{world}/members/{member}/dossier", tags=["reading"])
    def get_dossier(
        world: str,
        member: str,
        at: Annotated[
            str | None, Query(description="An instant; default: the clock.", max_length=64)
        ] = None,
        authorization: Auth = None,
        token: TokenQuery = None,
    ) -> dict[str, Any]:
        """A member's dossier: status, family, coins, markers, contracts, terms, duels, breaches."""
        reader(service, world, presented(authorization, token))
        state = service.state_at(world, instant_of(at, "at"))
        if isinstance(state, Refusal):
            raise Refused(state)
        if member not in state.members:
            raise refused("ID-3", f"no member {member[:80]!r} in {world!r}")
        events = [event for event in service.log(world) if event.at <= state.clock]
        return dossier(events, state, member)

    @app.get("/worlds/{world}/events", response_model=EventsPage, tags=["reading"])
    def get_events(
        world: str,
        after: Annotated[
            int, Query(ge=0, le=2**62, description="Events with a seq above this.")
        ] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"At most {MAX_PAGE}.")] = 100,
        authorization: Auth = None,
        token: TokenQuery = None,
    ) -> EventsPage:
        """The log, a page at a time."""
        reader(service, world, presented(authorization, token))
        events = [to_dict(event) for event in service.log(world, after=after, limit=limit)]
        next_after = events[-1]["seq"] if len(events) == limit else None
        return EventsPage(events=events, next_after=next_after)

    @app.get("/worlds/{world}/verify", response_model=VerifyResult, tags=["reading"])
    def get_verify(
        world: str, authorization: Auth = None, token: TokenQuery = None
    ) -> VerifyResult:
        """CHAIN-1: recompute the hash chain; name the first event whose bytes or order changed."""
        reader(service, world, presented(authorization, token))
        verdict = service.verify(world)
        if isinstance(verdict, Refusal):
            raise Refused(verdict)
        return VerifyResult(**msgspec.to_builtins(verdict))

    @app.post("/worlds/{world}/fork", status_code=201, response_model=WorldCreated, tags=["worlds"])
    def fork_world(
        world: str, body: ForkWorld, authorization: Auth = None, token: TokenQuery = None
    ) -> WorldCreated:
        """A what-if branch: a new world holding the log up to an instant, with a table token."""
        table_only(service, world, presented(authorization, token))
        forked = service.fork(world, body.world, instant_of(body.at, "at") or "")
        if isinstance(forked, Refusal):
            raise Refused(forked)
        new_table, token_hash = new_token(body.world)
        service.store.save_token(body.world, token_hash, "table")
        start = service.state(body.world)
        return WorldCreated(
            world=body.world,
            start=start.start if not isinstance(start, Refusal) else "",
            table_token=new_table,
        )

    @app.get(
        "/worlds/{world}/feed",
        tags=["reading"],
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
        after: Annotated[
            int | None, Query(ge=0, le=2**62, description="Resume after this seq.")
        ] = None,
        seconds: Annotated[
            float,
            Query(
                gt=0,
                le=3600,
                description="Close the stream after this long; reconnect with Last-Event-ID.",
            ),
        ] = 300,
        names: Annotated[
            bool, Query(description="Name each event by its type (false: all plain messages).")
        ] = True,
        last_event_id: Annotated[str | None, Header(max_length=32)] = None,
        authorization: Auth = None,
        token: TokenQuery = None,
    ) -> StreamingResponse:
        """The world's events live, as Server-Sent Events, resumable from a seq (Last-Event-ID)."""
        await anyio.to_thread.run_sync(reader, service, world, presented(authorization, token))
        start = after if after is not None else resume_after(last_event_id)
        return StreamingResponse(
            stream(service, world, start, seconds, request, names),
            media_type="text/event-stream",
        )


def batch_item(service: WorldService, world: str, outcome: Any, applied: bool) -> BatchItem:
    if isinstance(outcome, Refusal):
        body = RefusalBody(**msgspec.to_builtins(outcome))
        return BatchItem(status=status_of(outcome), outcome="refused", refusal=body)
    if not applied:  # judged lawful, but an atomic batch stores all or nothing: nothing stored
        return BatchItem(status=409, outcome="not_applied")
    events = [to_dict(e) for e in service.events_of(world, outcome)]
    return BatchItem(status=200, outcome=outcome_kind(outcome), events=events)


def outcome_kind(outcome: Any) -> Literal["accepted", "replayed"]:
    """A first acceptance, or a retry answered with the first outcome (IDEM-1)."""
    return "accepted" if isinstance(outcome, Accepted) else "replayed"


def app_from_env() -> FastAPI:
    """The application for `hightable serve` or any ASGI server: the store from the environment."""
    timelines = os.environ.get("HIGHTABLE_TIMELINES", "")
    kept = int(timelines) if timelines.isdigit() else SERVER_TIMELINES
    return create_app(os.environ.get("HIGHTABLE_STORE"), kept)
