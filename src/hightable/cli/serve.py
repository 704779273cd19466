"""`hightable serve` (the API and the page on uvicorn) and `hightable demo` (the canon, served)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from hightable.cli.app import StoreOption, app, fail, out, service_for
from hightable.core import Refusal
from hightable.errors import HightableError
from hightable.limits import serve_workers_max, timelines_held_max, timelines_server_default
from hightable.store import open_store, store_url
from hightable.stories import load_story, play, story_paths

# uvicorn's HTTP protocol with TCP_NODELAY on every connection (api/nodelay.py), by name so that
# the command line does not import the web stack.
PROTOCOL = "hightable.api.nodelay:NoDelayProtocol"


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
) -> None:
    """Serve the worlds of a store over HTTP (OpenAPI at /openapi.json, docs at /docs)."""
    url = store_url(store)
    try:
        open_store(url).close()  # create or migrate the schema once, before the workers start
    except HightableError as error:
        fail(f"{url}: {error}")
    os.environ["HIGHTABLE_STORE"] = url  # each worker opens the store from the environment
    os.environ["HIGHTABLE_TIMELINES"] = str(timelines)
    uvicorn.run(
        "hightable.api:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=PROTOCOL,
        log_level="warning",
    )


CANON = Path(__file__).parents[3] / "stories" / "canon"
FIRST_WORLD = "john-wick"


@app.command("demo")
def demo_command(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="The port to listen on.")] = 8000,
    stories: Annotated[Path, typer.Option(help="The folder of canon stories.")] = CANON,
    serve: Annotated[bool, typer.Option(help="Serve the page once the worlds are kept.")] = True,
) -> None:
    """Play the canon stories into public worlds of the store, and serve their pages."""
    kept = keep_canon(store_url(store), stories)
    out.print(f"{len(kept)} canon worlds in {store_url(store)}: {', '.join(kept)}")
    out.print(f"open http://{host}:{port}/w/{FIRST_WORLD if FIRST_WORLD in kept else kept[0]}")
    if serve:
        serve_command(
            store=store, host=host, port=port, workers=1, timelines=timelines_server_default
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
