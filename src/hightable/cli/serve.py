"""`hightable serve`: the API and the page on uvicorn (imported only when a server starts)."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from hightable.cli.app import LISTEN_FAILED, StoreOption, app, err, fail, one_line
from hightable.limits import serve_workers_max, timelines_held_max, timelines_server_default

if TYPE_CHECKING:
    from hightable.api.settings import ServerSettings

HostOption = Annotated[str, typer.Option(help="The address to listen on.")]
PortOption = Annotated[int, typer.Option(min=0, max=65535, help="The port to listen on.")]
OperatorToken = Annotated[
    str | None,
    typer.Option(
        envvar="HIGHTABLE_OPERATOR_TOKEN",
        show_envvar=True,
        show_default=False,
        help="The token that creates worlds over HTTP (ACCESS-3); prefer the variable, which"
        " no process listing shows.",
    ),
]
OpenCreation = Annotated[
    bool, typer.Option(help="Let anyone create worlds over HTTP, without the operator's token.")
]
CorsOrigin = Annotated[
    list[str] | None,
    typer.Option(help="An origin whose pages may call the API (repeatable; none by default)."),
]
LogFormat = Annotated[
    str,
    typer.Option(help="The access log on standard error: one line per request (json, text, none)."),
]

# uvicorn's HTTP protocol with TCP_NODELAY on every connection (api/nodelay.py), by name so that
# the command line does not import the web stack.
PROTOCOL = "hightable.api.nodelay:NoDelayProtocol"


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
    operator_token: OperatorToken = None,
    open_creation: OpenCreation = False,
    cors_origin: CorsOrigin = None,
    log_format: LogFormat = "json",
) -> None:
    """Serve the worlds of a store over HTTP (OpenAPI at /openapi.json, docs at /docs)."""
    from hightable.errors import HightableError
    from hightable.store import open_store, store_url

    settings = server_settings(operator_token, open_creation, cors_origin, log_format)
    url = store_url(store)
    check_free(host, port)
    try:
        open_store(url).close()  # create or migrate the schema once, before the workers start
    except HightableError as error:
        fail(one_line(error))  # the store's error names it (without its password)
    run_server(url, host, port, workers, timelines, settings)


def server_settings(
    operator_token: str | None, open_creation: bool, cors_origin: list[str] | None, log_format: str
) -> ServerSettings:
    from hightable.api.settings import LOG_FORMATS, ServerSettings

    if log_format not in LOG_FORMATS:
        fail(f"--log-format: {log_format!r} is not one of {', '.join(LOG_FORMATS)}")
    if not operator_token and not open_creation:
        err.print("world creation over HTTP is closed: give --operator-token to open it to you")
    return ServerSettings(operator_token, open_creation, tuple(cors_origin or ()), log_format)


def check_free(host: str, port: int) -> None:
    """Say so before any work when the address cannot be listened on (a port in use, say)."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}", LISTEN_FAILED)


def run_server(
    url: str, host: str, port: int, workers: int, timelines: int, settings: ServerSettings
) -> None:
    import uvicorn

    os.environ.update(settings.to_env())  # each worker reads its settings from the environment
    os.environ["HIGHTABLE_STORE"] = url
    os.environ["HIGHTABLE_TIMELINES"] = str(timelines)
    try:
        with metrics_dir(workers):
            uvicorn.run(
                "hightable.api:app_from_env",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                http=PROTOCOL,
                log_level="warning",
                access_log=False,  # hightable's own log has no query string, where tokens may ride
            )
    except SystemExit as stopped:  # uvicorn exits 3 when it could not start: not a corrupt log
        if stopped.code not in (None, 0):
            fail(f"the server on {host}:{port} could not start", LISTEN_FAILED)
        raise


@contextmanager
def metrics_dir(workers: int) -> Iterator[None]:
    """With several workers, a folder where each writes its metrics (unless the operator named
    one in PROMETHEUS_MULTIPROC_DIR): made empty, removed at the end."""
    if workers == 1 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        yield
        return
    folder = tempfile.mkdtemp(prefix="hightable-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)
