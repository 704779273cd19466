"""`hightable serve` (the API and the page on uvicorn) and `hightable demo` (the canon, served)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from hightable.cli.app import StoreOption, app, err, fail, out, service_for
from hightable.core import Refusal
from hightable.errors import HightableError
from hightable.limits import serve_workers_max, timelines_held_max, timelines_server_default
from hightable.store import open_store, store_url
from hightable.stories import load_story, play, story_paths

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


@app.command("serve")
def serve_command(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="The port to listen on.")] = 8000,
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
    from hightable.api.settings import LOG_FORMATS, ServerSettings

    if log_format not in LOG_FORMATS:
        fail(f"--log-format: {log_format!r} is not one of {', '.join(LOG_FORMATS)}")
    url = store_url(store)
    try:
        open_store(url).close()  # create or migrate the schema once, before the workers start
    except HightableError as error:
        fail(f"{url}: {error}")
    settings = ServerSettings(operator_token, open_creation, tuple(cors_origin or ()), log_format)
    if not operator_token and not open_creation:
        err.print("world creation over HTTP is closed: give --operator-token to open it to you")
    os.environ.update(settings.to_env())  # each worker reads the settings from the environment
    os.environ["HIGHTABLE_STORE"] = url
    os.environ["HIGHTABLE_TIMELINES"] = str(timelines)
    with metrics_dir(workers):
        uvicorn.run(
            "hightable.api:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,  # hightable's own log has no query string, where tokens may ride
        )


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


CANON = Path(__file__).parents[3] / "stories" / "canon"
FIRST_WORLD = "john-wick"


@app.command("demo")
def demo_command(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="The port to listen on.")] = 8000,
    stories: Annotated[Path, typer.Option(help="The folder of canon stories.")] = CANON,
    serve: Annotated[bool, typer.Option(help="Serve the page once the worlds are kept.")] = True,
    operator_token: OperatorToken = None,
    open_creation: OpenCreation = False,
    log_format: LogFormat = "text",
) -> None:
    """Play the canon stories into public worlds of the store, and serve their pages (world
    creation over HTTP closed, unless given the operator's token or --open-creation)."""
    kept = keep_canon(store_url(store), stories)
    out.print(f"{len(kept)} canon worlds in {store_url(store)}: {', '.join(kept)}")
    out.print(f"open http://{host}:{port}/w/{FIRST_WORLD if FIRST_WORLD in kept else kept[0]}")
    if serve:
        serve_command(
            store=store,
            host=host,
            port=port,
            workers=1,
            timelines=timelines_server_default,
            operator_token=operator_token,
            open_creation=open_creation,
            cors_origin=None,
            log_format=log_format,
        )


def keep_canon(url: str, folder: Path) -> list[str]:
    """Each canon story as a public world named after its file (kept again only if missing)."""
    paths = story_paths([folder])
    if not paths:
        fail(f"no story in {folder}")
    kept = []
    with service_for(url) as service:
        for path in paths:
            world = path.stem
            if service.world_refusal(world) is not None:
                _, ledger = play(load_story(path))
                adopted = service.adopt(world, ledger.events)
                if isinstance(adopted, Refusal):
                    fail(f"{path}: {adopted}")
            service.set_public(world, True)
            kept.append(world)
    return kept
