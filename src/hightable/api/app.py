"""The HTTP API: many worlds served to game clients, with a live feed and per-world access.

A thin shell: the routers (api/routes/, one per resource) authorize each request, hand it to
the one `WorldService`, and turn its outcome into a status and a JSON body. No rule is judged
here.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from hightable import __version__
from hightable.api.body_limit import BodyLimit
from hightable.api.door import CommandDoor
from hightable.api.errors import Unexpected, add_error_handlers
from hightable.api.feed import Feeds
from hightable.api.funnel import Funnel
from hightable.api.models import RefusalBody
from hightable.api.requestlog import AccessLog, configure
from hightable.api.routes import ROUTERS
from hightable.api.routes.commands import document_commands
from hightable.api.settings import ServerSettings, settings_from_env
from hightable.limits import body_bytes_max, timelines_server_default
from hightable.service import WorldService
from hightable.store import open_store
from hightable.web import add_pages

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": RefusalBody, "description": text}
    for status, text in {
        400: "The HTTP request itself is malformed (refused by the server before the API).",
        401: "No token, not a token of this world, or a revoked one (ACCESS-1); world creation"
        " without the operator's token (ACCESS-3).",
        403: "A member token acting as another member or in another world (ACCESS-2); world"
        " creation closed on this server (ACCESS-3).",
        404: "No such world or object (ID-3).",
        409: "Refused under a rule of the rulebook, or by an archived world (WORLD-2).",
        413: "The request body is larger than 1 MiB (LIMIT-1).",
        422: "Malformed (CMD-1, ID-1) or past a limit (LIMIT-1).",
        500: "A corrupt log (CHAIN-1), or an unexpected failure (INTERNAL-1).",
        503: "The store failed; nothing was applied (STORE-1).",
    }.items()
}


def create_app(
    store_url: str | None = None,
    timelines: int = timelines_server_default,
    settings: ServerSettings | None = None,
) -> FastAPI:
    """The application over a store. `settings` default to creation closed (ACCESS-3), no
    origin allowed, no access log."""
    from hightable.api import metrics  # prometheus_client, loaded by the server alone

    settings = settings or ServerSettings()
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
        docs_url=None,  # served by the pages with Swagger UI shipped in the package (web/)
        redoc_url=None,
    )
    # The one service of this process: routes get it by dependency (`api.access.Service`).
    service = WorldService(open_store(store_url), timelines=timelines, observer=metrics.Metrics())
    app.state.service, app.state.settings = service, settings
    app.state.funnel = funnel = Funnel(service)  # commands sent one by one, committed in groups
    app.add_middleware(CommandDoor, funnel=funnel)  # innermost: the routes' short way in
    app.add_middleware(BodyLimit, max_bytes=body_bytes_max)
    app.add_middleware(Unexpected)  # sees whatever the routes and the body limit let through
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Last-Event-ID"],
        )
    configure(settings.log_format)
    # Outermost: one line per request, whatever answered it, and the gauges kept fresh.
    app.add_middleware(
        AccessLog, log_format=settings.log_format, after=lambda: metrics.refresh(service)
    )
    metrics.forget_at_exit()
    app.state.feeds = Feeds(service)  # one watcher per world, for every feed
    add_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    document_commands(app)
    add_pages(app)
    return app


def app_from_env() -> FastAPI:
    """The application for `hightable serve` or any ASGI server: the store from the environment."""
    timelines = os.environ.get("HIGHTABLE_TIMELINES", "")
    kept = int(timelines) if timelines.isdigit() else timelines_server_default
    return create_app(os.environ.get("HIGHTABLE_STORE"), kept, settings_from_env())
