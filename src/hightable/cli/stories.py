"""`hightable play` and `hightable rules`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from hightable.cli.app import StoreOption, app, fail, out, service_for
from hightable.core import RULES, Refusal
from hightable.stories import load_story, play, play_path, story_paths


@app.command("play")
def play_command(
    paths: Annotated[list[Path], typer.Argument(help="Story files or folders of stories.")],
    as_json: Annotated[bool, typer.Option("--json", help="A machine-readable report.")] = False,
    keep: Annotated[
        str | None, typer.Option(help="Keep the world one story builds in the store, as this id.")
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="With --keep: delete a world of that id first, then keep.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Play every story; exit 0 only if every one passed."""
    files = story_paths(paths)
    if not files:
        fail("no story found in " + " ".join(map(str, paths)))
    if keep and len(files) != 1:
        fail(f"--keep keeps the world of one story; {len(files)} were named")
    if replace and not keep:
        fail("--replace replaces the world --keep names; give --keep")
    results = [play_path(path) for path in files]
    failed = sum(not result.passed for result in results)
    if as_json:
        report = {"passed": len(results) - failed, "failed": failed}
        report["stories"] = [result.as_dict() for result in results]  # type: ignore[assignment]
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        for result in results:
            colour = "green" if result.passed else "red"
            out.print(result.line(), style=colour)
        out.print(f"{len(results) - failed} passed, {failed} failed")
    if keep and not failed:
        keep_world(files[0], keep, store, replace)
    raise typer.Exit(1 if failed else 0)


def keep_world(path: Path, world: str, store: str | None, replace: bool = False) -> None:
    _, ledger = play(load_story(path))
    with service_for(store) as service:
        if replace and service.delete(world):
            out.print(f"world {world} deleted, to be kept again")
        kept = service.adopt(world, ledger.events)
        if isinstance(kept, Refusal):
            hint = " (--replace deletes it first)" if kept.rule == "WORLD-1" else ""
            fail(f"{kept}{hint}", code=1)
    out.print(f"kept as world {world} ({len(ledger.events)} events)")


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
