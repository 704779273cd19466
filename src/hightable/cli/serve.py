"""`hightable serve`: the API and the page on uvicorn (imported only when a server starts)."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from hightable.cli.app import LISTEN_FAILED, StoreOption, app, fail, one_line
from hightable.limits import serve_workers_max, timelines_held_max, timelines_server_default

HostOption = Annotated[str, typer.Option(help="The address to listen on.")]
PortOption = Annotated[int, typer.Option(min=0, max=65535, help="The port to listen on.")]


@app.command("serve")
def serve_command(
    store: StoreOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=serve_workers_max, help="Worker processes.")
    ] = 1,
    timelines: Annotated[
        int,
        typer.Option(
            min=0,
            max=timelines_held_max,
            help="Worlds whose past each worker keeps in memory, for fast views at an instant.",
        ),
    ] = timelines_server_default,
) -> None:
    """Serve the worlds of a store over HTTP (OpenAPI at /openapi.json, docs at /docs)."""
    from hightable.errors import HightableError
    from hightable.store import open_store, store_url

    url = store_url(store)
    check_free(host, port)
    try:
        open_store(url).close()  # create or migrate the schema once, before the workers start
    except HightableError as error:
        fail(one_line(error))  # the store's error names it (without its password)
    run_server(url, host, port, workers, timelines)


def check_free(host: str, port: int) -> None:
    """Say so before any work when the address cannot be listened on (a port in use, say)."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}", LISTEN_FAILED)


def run_server(url: str, host: str, port: int, workers: int, timelines: int) -> None:
    import uvicorn

    os.environ["HIGHTABLE_STORE"] = url  # each worker opens the store from the environment
    os.environ["HIGHTABLE_TIMELINES"] = str(timelines)
    try:
        uvicorn.run(
            "hightable.api:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
    except SystemExit as stopped:  # uvicorn exits 3 when it could not start: not a corrupt log
        if stopped.code not in (None, 0):
            fail(f"the server on {host}:{port} could not start", LISTEN_FAILED)
        raise
