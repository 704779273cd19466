"""`hightable storm`: a thousand players doing anything they like, every promise checked."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hightable.cli.app import StoreOption, app, err, fail, out

if TYPE_CHECKING:
    from hightable.storm.run import Report
    from hightable.storm.shapes import Fields
    from hightable.storm.start import Start


@app.command("storm")
def storm_command(
    world_or_story: Annotated[
        str | None,
        typer.Argument(help="A story (.yaml) to storm from its end, or a stored world's id."),
    ] = None,
    seed: Annotated[int, typer.Option(help="The same seed, the same storm.")] = 0,
    steps: Annotated[int, typer.Option(min=1, help="Commands to send.")] = 1_000,
    actors: Annotated[
        int | None, typer.Option(min=3, help="An empty world with a generated cast this large.")
    ] = None,
    mix: Annotated[str, typer.Option(help="Weights, e.g. duels=6,blind=0.")] = "",
    faults: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="How often an append fails.")
    ] = 0.0,
    out_path: Annotated[
        Path | None, typer.Option("--out", help="Where to write a failing story.")
    ] = None,
    log: Annotated[Path | None, typer.Option(help="Every command and outcome, JSON lines.")] = None,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="A machine-readable report.")] = False,
) -> None:
    """Storm a world with random commands; exit 1 if a promise broke (a failing story is
    written), 0 if every check held."""
    from hightable.stories import StoryError, play_path
    from hightable.storm.generator import MixError, parse_mix
    from hightable.storm.run import log_line, storm
    from hightable.storm.shrink import shrink
    from hightable.storm.start import StartError
    from hightable.storm.story import write_story

    try:
        weights = parse_mix(mix)
        start = starting_point(world_or_story, actors, store)
    except (MixError, StartError, StoryError) as error:
        fail(str(error))
    with ExitStack() as stack:
        sink = stack.enter_context(log.open("w", encoding="utf-8")) if log else None
        writer = (lambda entry: sink.write(log_line(entry))) if sink else None
        report = storm(start, seed, steps, weights, faults, writer)
    if report.violation:
        commands, violation = shrink(start, report.commands, report.violation, faults, seed)
        path = out_path or Path(f"storm-{seed}.yaml")
        write_story(path, start, commands, violation, seed)
        report.story = str(path)
        report.shrunk = len(commands)
        report.story_fails = not play_path(path).passed
    show(report, as_json)
    raise typer.Exit(1 if report.violation else 0)


def starting_point(world_or_story: str | None, actors: int | None, store: str | None) -> Start:
    from hightable.storm.start import StartError, from_cast, from_store, from_story

    if world_or_story is None:
        return from_cast(actors)
    if actors is not None:
        raise StartError("--actors makes a new cast; it does not go with a story or a world")
    if world_or_story.endswith((".yaml", ".yml")) or Path(world_or_story).is_file():
        return from_story(Path(world_or_story))
    return from_store(world_or_story, store)


def show(report: Report, as_json: bool) -> None:
    """The report on stdout (the same seed, the same bytes); the timing on stderr."""
    if as_json:
        document: Fields = report.as_dict() | {"timing": report.timing()}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
    for line in report_lines(report):
        out.print(line)
    timing = report.timing()
    err.print(
        f"{report.steps} steps in {timing['seconds']} s: {timing['steps_per_second']} steps/s"
    )


def report_lines(report: Report) -> list[str]:
    data = report.as_dict()
    refused = ", ".join(f"{rule} {count}" for rule, count in data["refused_by_rule"].items())
    lines = [
        f"storm of seed {report.seed} from {report.start}"
        + (f", faults at {report.faults}" if report.faults else ""),
        f"steps {data['steps']}: accepted {data['accepted']}, refused {data['refused']}, "
        f"replayed {data['replayed']}, faulted {data['faulted']}",
        f"refused by rule: {refused or 'none'}",
        f"rules never reached: {', '.join(data['rules_not_reached']) or 'none'}",
    ]
    violation = report.violation
    if violation is None:
        return [*lines, "every check held"]
    return [
        *lines,
        f"VIOLATION at step {violation.step + 1}: {violation.check}: {violation.detail}",
        f"shrunk to {report.shrunk} commands; the story "
        + ("fails as it should" if report.story_fails else "does NOT fail when played")
        + f": {report.story}",
    ]
