"""Commands: one at a time, or many in one transaction."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from fastapi import APIRouter, Body, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from hightable.api.access import Service, Token, writer_of_all
from hightable.api.errors import Refused, status_of
from hightable.api.funnel import Done, Funnel
from hightable.api.models import (
    COMMAND_COMPONENTS,
    BatchItem,
    BatchRefused,
    BatchRequest,
    BatchResult,
    CommandAnswer,
    CommandBody,
    RefusalBody,
)
from hightable.api.requestlog import note
from hightable.core import Accepted, Outcome, Refusal, Replayed, to_dict
from hightable.service import WorldService
from hightable.service.clock import defaulting_at, wall_clock

router = APIRouter(tags=["commands"])


def document_commands(app: FastAPI) -> None:
    """Add each command's schema to the OpenAPI's components, where the body's union names
    them (api/models.py: CommandBody)."""
    openapi = app.openapi

    def with_commands() -> dict[str, Any]:
        if app.openapi_schema is None:
            schemas = openapi().setdefault("components", {}).setdefault("schemas", {})
            taken = schemas.keys() & COMMAND_COMPONENTS.keys()
            assert not taken, f"command schemas named as the API's own: {sorted(taken)}"
            schemas.update(COMMAND_COMPONENTS)
        return app.openapi_schema or openapi()

    app.openapi = with_commands  # type: ignore[method-assign]


@router.post("/worlds/{world}/commands", response_model=CommandAnswer)
async def send_command(
    world: str,
    command: Annotated[CommandBody, Body()],
    request: Request,
    token: Token,
) -> Response:
    """Send one command; durable before the answer. 409 names the rule that refused it.
    Without `at`, it happens at the server's clock, or the world's if later (TIME-4)."""
    return await command_answer(request.app.state.funnel, world, command, token)


async def command_answer(
    funnel: Funnel, world: str, command: dict[str, object], token: str | None
) -> Response:
    """The answer to one command (its route's, and the short way's in api/door.py): 200 with
    its events once durable; a refusal or a failure raised, for the handlers to answer."""
    by = command.get("by")
    note(world=world, command=str(command.get("do"))[:80])
    answer = await funnel.send(world, defaulting_at(command, wall_clock()), by, token)
    if not isinstance(answer, Done):
        raise answer  # refused at the door (ACCESS-1, ACCESS-2, ID-3), or a failure
    if isinstance(answer.outcome, Refusal):
        raise Refused(answer.outcome)
    kind = outcome_kind(answer.outcome)
    note(outcome=kind)
    body = msgspec.json.encode({"outcome": kind, "events": answer.events})
    return Response(body, media_type="application/json")


@router.post(
    "/worlds/{world}/batch",
    response_model=BatchResult,
    responses={409: {"model": BatchRefused, "description": "An atomic batch was refused."}},
)
def send_batch(
    world: str, body: BatchRequest, service: Service, token: Token
) -> BatchResult | JSONResponse:
    """Many commands in one transaction: each on its own, or all-or-nothing (`atomic`)."""
    # An empty batch names its world too (ID-3).
    writer_of_all(service, world, token, [command.get("by") for command in body.commands])
    note(command=f"batch of {len(body.commands)}")
    batch = service.execute_batch(world, body.commands, atomic=body.atomic, now=wall_clock())
    note(outcome="applied" if batch.applied else "refused")
    items = [batch_item(service, world, o, batch.applied) for o in batch.outcomes]
    if not batch.applied and body.atomic:
        index, refusal = next(
            (n, o) for n, o in enumerate(batch.outcomes) if isinstance(o, Refusal)
        )
        note(rule=refusal.rule)
        refused_body = BatchRefused(
            rule=refusal.rule,
            title=refusal.title,
            message=f"commands[{index}]: {refusal.message}; nothing was applied",
            applied=False,
            outcomes=items,
        )
        return JSONResponse(refused_body.model_dump(), status_code=409)
    return BatchResult(applied=batch.applied, outcomes=items)


def batch_item(service: WorldService, world: str, outcome: Outcome, applied: bool) -> BatchItem:
    if isinstance(outcome, Refusal):
        body = RefusalBody(**msgspec.to_builtins(outcome))
        return BatchItem(status=status_of(outcome), outcome="refused", refusal=body)
    if not applied:  # judged lawful, but an atomic batch stores all or nothing: nothing stored
        return BatchItem(status=409, outcome="not_applied")
    events = [to_dict(e) for e in service.events_of(world, outcome)]
    return BatchItem(status=200, outcome=outcome_kind(outcome), events=events)


def outcome_kind(outcome: Accepted | Replayed) -> Literal["accepted", "replayed"]:
    """A first acceptance, or a retry answered with the first outcome (IDEM-1)."""
    return "accepted" if isinstance(outcome, Accepted) else "replayed"
