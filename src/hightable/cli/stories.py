"""`hightable play` and `hightable rules`."""

from __future__ import annotations

import json
import sys
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated

import typer

from hightable.cli.app import StoreOption, app, fail, out, service_for
from hightable.resources import stories_folder

PLACES_SHOWN = 12


@app.command("play")
def play_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Story files or folders; default: the stories shipped with hightable."),
    ] = None,
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
    from hightable.stories import play_path, story_paths

    paths = paths or [stories_folder()]
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
    from hightable.core import Refusal
    from hightable.stories import load_story, play

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
    """The rule IDs a refusal can name, with their titles; with an ID, that rule's text in the
    law (docs/rules.md) and the places in hightable's source that name it."""
    from hightable.core.rules import RULES

    if rule is None:
        for rule_id, title in RULES.items():
            out.print(f"{rule_id:<12} {title}")
        return
    wanted = rule.strip().upper()
    if wanted not in RULES:
        close = get_close_matches(wanted, list(RULES), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        fail(f"no rule {rule[:80]!r}{hint} (`hightable rules` lists them)")
    show_rule(wanted, RULES[wanted])


def show_rule(rule: str, title: str) -> None:
    from hightable.law import places, rule_texts

    law = rule_texts().get(rule)
    out.print(f"{rule}: {title}")
    if law is not None:
        out.print(f"§{law.chapter} (docs/rules.md)")
        out.print(law.text)
    found = places(rule)
    out.print("in the code:" if found else "in the code: named nowhere")
    for place in found[:PLACES_SHOWN]:
        out.print(f"  {place.module}:{place.line}  {place.source}")
    if len(found) > PLACES_SHOWN:
        out.print(f"  and {len(found) - PLACES_SHOWN} more")
