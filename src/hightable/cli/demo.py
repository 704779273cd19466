"""`hightable demo`: the canon stories, played into public worlds and served."""

from __future__ import annotations

import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hightable.cli.app import StoreOption, app, fail, out, service_for
from hightable.cli.serve import (
    HostOption,
    LogFormat,
    OpenCreation,
    OperatorToken,
    PortOption,
    check_free,
    run_server,
    server_settings,
)
from hightable.limits import timelines_server_default
from hightable.resources import canon_folder

if TYPE_CHECKING:
    from hightable.core import Event
    from hightable.service import WorldService

FIRST_WORLD = "john-wick"


@app.command("demo")
def demo_command(
    store: StoreOption = None,
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    stories: Annotated[
        Path | None,
        typer.Option(help="A folder of stories; default: the canon shipped with hightable."),
    ] = None,
    serve: Annotated[bool, typer.Option(help="Serve the page once the worlds are kept.")] = True,
    operator_token: OperatorToken = None,
    open_creation: OpenCreation = False,
    log_format: LogFormat = "text",
) -> None:
    """Play the canon stories into public worlds, and serve their pages.

    Without --store, the worlds live in a temporary store for as long as the demo runs, so every
    run shows the stories as they are now; with it, they are kept there, and a world kept from
    an earlier version of its story is played again. World creation over HTTP stays closed unless
    given the operator's token or --open-creation."""
    from hightable.store import safe_url

    folder = stories or canon_folder()
    settings = server_settings(operator_token, open_creation, None, log_format)
    if serve:
        check_free(host, port)  # before any work, so that a busy port leaves nothing behind
    with demo_store(store) as url:
        kept = keep_canon(url, folder)
        out.print(f"{len(kept)} canon worlds in {safe_url(url)}: {', '.join(kept)}")
        out.print(f"open http://{host}:{port}/w/{FIRST_WORLD if FIRST_WORLD in kept else kept[0]}")
        if serve:
            run_server(url, host, port, 1, timelines_server_default, settings)


@contextmanager
def demo_store(given: str | None) -> Iterator[str]:
    if given is not None:
        yield given
        return
    # The server passes on a SIGTERM once it has stopped: stop as Ctrl-C does, removing the store.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with tempfile.TemporaryDirectory(prefix="hightable-demo-") as folder:
            yield f"sqlite:///{Path(folder) / 'demo.db'}"
    finally:
        signal.signal(signal.SIGTERM, previous)


def keep_canon(url: str, folder: Path) -> list[str]:
    """Each story as a public world named after its file; played again when it was edited since
    its world was kept (the world kept from the other version is deleted first, not mixed)."""
    from hightable.stories import StoryError, load_story, play, story_paths

    paths = story_paths([folder])
    if not paths:
        fail(f"no story in {folder}")
    stories = []
    for path in paths:
        try:
            stories.append((path, play(load_story(path))[1].events))
        except (StoryError, OSError) as error:  # before the store is opened: nothing is written
            fail(f"{path}: {error}")
    with service_for(url) as service:
        for path, events in stories:
            keep_world(service, path, path.stem, events)
    return [path.stem for path, _ in stories]


def keep_world(service: WorldService, path: Path, world: str, events: list[Event]) -> None:
    from hightable.core import Refusal, to_dict

    if service.world_refusal(world) is None:
        stored = [drop_world(to_dict(event)) for event in service.log(world)]
        if stored == [drop_world(to_dict(event)) for event in events]:
            service.set_public(world, True)
            return
        service.delete(world)
        out.print(f"world {world} was kept from another version of {path}: played again")
    adopted = service.adopt(world, events)
    if isinstance(adopted, Refusal):
        fail(f"{path}: {adopted}")
    service.set_public(world, True)


def drop_world(fields: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in fields.items() if key != "world"}
