"""`hightable view`: the view of a world (a story's or a stored one), as JSON or as a dossier."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hightable.cli.app import StoreOption, app, err, fail, out, service_for

if TYPE_CHECKING:
    from hightable.core import Event, State


@app.command("view")
def view_command(
    target: Annotated[
        str, typer.Argument(metavar="STORY|WORLD", help="A story file, or a stored world's id.")
    ],
    at: Annotated[str | None, typer.Option(help="An instant; default: the world's clock.")] = None,
    path: Annotated[str | None, typer.Option(help="A dotted path, e.g. members.john.")] = None,
    dossier_of: Annotated[
        str | None, typer.Option("--dossier", metavar="MEMBER", help="A member's dossier, as text.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Print the view of a world as of an instant, as JSON (or a member's dossier)."""
    from hightable.core import Refusal
    from hightable.core.dossier import holdings, names_for
    from hightable.core.instants import InstantError, parse_instant

    instant = None
    if at is not None:
        try:
            instant = parse_instant(at)
        except InstantError as error:
            fail(f"--at: {error}")
    if target.endswith((".yaml", ".yml")) or Path(target).is_file():
        state, events = story_state(Path(target), instant)
    else:
        with service_for(store, target) as service:
            found = service.state_at(target, instant)
            if isinstance(found, Refusal):
                fail(str(found), code=1)
            state = found
            # A dossier reads the events that name its member or what it holds (by the index).
            names = []
            if dossier_of is not None and dossier_of in state.members:
                names = names_for(dossier_of, holdings(state, dossier_of))
            events = service.events_naming(target, names) if names else []
    show(state, events, path, dossier_of)


def story_state(story_path: Path, instant: str | None) -> tuple[State, list[Event]]:
    from hightable.core import Refusal
    from hightable.stories import StoryError, load_story, play

    try:
        story = load_story(story_path)
    except StoryError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{story_path}: {error.strerror}")
    result, ledger = play(story, keep_going=True)
    if result.failure:
        err.print(
            f"note: the story does not pass (line {result.failure.line}: {result.failure.seen})"
        )
    state = ledger.state_at(instant)
    if isinstance(state, Refusal):
        fail(str(state), code=1)
    return state, ledger.events


def show(state: State, events: Sequence[Event], path: str | None, dossier_of: str | None) -> None:
    from hightable.core import PathError, view
    from hightable.core.dossier import dossier
    from hightable.core.view import known_events, view_at
    from hightable.dossier_text import dossier_lines
    from hightable.sentences import with_sentences
    from hightable.service.lookup import member_refusal

    if dossier_of is not None:
        missing = member_refusal(state, dossier_of)
        if missing is not None:
            fail(f"--dossier: {missing.message}")
        record = dossier(known_events(events, state), state, dossier_of)
        for line in dossier_lines(with_sentences(record, state)):
            out.print(line)
        return
    try:
        document: Any = view_at(state, path) if path else view(state)
    except PathError as error:
        fail(f"--path: {error}")
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
