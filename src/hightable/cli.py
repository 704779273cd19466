"""The `hightable` command: play stories and look inside the worlds they build."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from hightable.core import RULES, PathError, Refusal, lookup, view
from hightable.core.dossier import dossier
from hightable.core.instants import InstantError, parse_instant
from hightable.dossier_text import dossier_lines
from hightable.stories import StoryError, load_story, play, play_path, story_paths

app = typer.Typer(
    help="hightable: the rules-as-code engine and ledger of the High Table.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", markup=True)
    raise typer.Exit(code)


@app.command("play")
def play_command(
    paths: Annotated[list[Path], typer.Argument(help="Story files or folders of stories.")],
    as_json: Annotated[bool, typer.Option("--json", help="A machine-readable report.")] = False,
) -> None:
    """Play every story; exit 0 only if every one passed."""
    files = story_paths(paths)
    if not files:
        fail("no story found in " + " ".join(map(str, paths)))
    results = [play_path(path) for path in files]
    failed = sum(not result.passed for result in results)
    if as_json:
        report = {"passed": len(results) - failed, "failed": failed}
        report["stories"] = [result.as_dict() for result in results]  # type: ignore[assignment]
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        for result in results:
            colour = "green" if result.passed else "red"
            out.print(f"[{colour}]{result.line()}[/{colour}]", markup=True)
        out.print(f"{len(results) - failed} passed, {failed} failed")
    raise typer.Exit(1 if failed else 0)


@app.command("view")
def view_command(
    story_path: Annotated[Path, typer.Argument(metavar="STORY", help="A story file.")],
    at: Annotated[str | None, typer.Option(help="An instant; default: the world's clock.")] = None,
    path: Annotated[str | None, typer.Option(help="A dotted path, e.g. members.john.")] = None,
    dossier_of: Annotated[
        str | None, typer.Option("--dossier", metavar="MEMBER", help="A member's dossier, as text.")
    ] = None,
) -> None:
    """Print the view of the world a story builds, as of an instant, as JSON (or a dossier)."""
    try:
        story = load_story(story_path)
    except StoryError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{story_path}: {error.strerror}")
    result, ledger = play(story, keep_going=True)
    if result.failure:
        err.print(
            f"note: the story does not pass (line {result.failure.line}: saw {result.failure.seen})"
        )
    instant = None
    if at is not None:
        try:
            instant = parse_instant(at)
        except InstantError as error:
            fail(f"--at: {error}")
    state = ledger.state_at(instant)
    if isinstance(state, Refusal):
        fail(str(state))
    if dossier_of is not None:
        if dossier_of not in state.members:
            fail(f"--dossier: no member {dossier_of!r} in this world")
        events = [event for event in ledger.events if event.at <= state.clock]
        for line in dossier_lines(dossier(events, state, dossier_of)):
            out.print(line)
        return
    document: Any = view(state)
    if path:
        try:
            document = lookup(document, path)
        except PathError as error:
            fail(f"--path: {error}")
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


@app.command("rules")
def rules_command(
    rule: Annotated[str | None, typer.Argument(help="A rule ID, e.g. COIN-2.")] = None,
) -> None:
    """List the rule IDs a refusal can name, with their titles."""
    if rule is not None and rule.upper() not in RULES:
        fail(f"no rule {rule!r}; `hightable rules` lists them")
    for rule_id, title in RULES.items():
        if rule is None or rule_id == rule.upper():
            out.print(f"{rule_id:<12} {title}")


def main() -> None:
    app()
