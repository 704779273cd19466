"""`hightable serve`: the HTTP API on a production ASGI server (uvicorn)."""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from hightable.cli.app import StoreOption, app, fail
from hightable.errors import HightableError
from hightable.store import open_store, store_url


@app.command("serve")
def serve_command(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
) -> None:
    """Serve the worlds of a store over HTTP (OpenAPI at /openapi.json, docs at /docs)."""
    url = store_url(store)
    try:
        open_store(url).close()  # create or migrate the schema once, before the workers start
    except HightableError as error:
        fail(f"{url}: {error}")
    os.environ["HIGHTABLE_STORE"] = url  # each worker opens the store from the environment
    uvicorn.run(
        "hightable.api:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
