"""`hightable coverage`: which rules the stories reach, and which they leave alone."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hightable.cli.app import app, fail, out

if TYPE_CHECKING:
    from hightable.stories.coverage import Report

GAPS = {
    "rules": "rules no story reaches",
    "never_refused": "rules no story is refused with",
    "never_passed": "rules no accepted command passed",
    "never_recorded": "breaches no story records",
    "commands": "commands no story gives",
}


@app.command("coverage")
def coverage_command(
    paths: Annotated[list[Path], typer.Argument(help="Story files or folders of stories.")],
    as_json: Annotated[bool, typer.Option("--json", help="A machine-readable report.")] = False,
    branches: Annotated[
        bool, typer.Option("--branches", help="Also measure the core's branches the stories run.")
    ] = False,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            metavar="N",
            help="Exit 1 if under N percent of the reachable rules (and of branches) are reached.",
        ),
    ] = None,
) -> None:
    """Play the stories and report, per rule, how often a step was refused with it and how
    often an accepted command passed it; exit 1 if a story fails or a share is under N."""
    from hightable.stories import story_paths
    from hightable.stories.branches import BranchesUnavailable, available, measure_branches
    from hightable.stories.coverage import Report, measure

    files = story_paths(paths)
    if not files:
        fail("no story found in " + " ".join(map(str, paths)))
    if branches and not available():
        fail("--branches needs coverage.py: pip install 'hightable[coverage]'")
    reach = measure(files)
    try:
        report = Report(reach, measure_branches(files) if branches else None)
    except BranchesUnavailable as error:
        fail(str(error))
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
    else:
        print_report(report)
    raise typer.Exit(1 if reach.failed or under(report, fail_under) else 0)


def under(report: Report, percent: float | None) -> bool:
    if percent is None:
        return False
    branch_share = report.branch_share
    return report.rule_share < percent or (branch_share is not None and branch_share < percent)


def print_report(report: Report) -> None:
    from hightable.core import RULES

    reach = report.reach
    for result in reach.failed:
        out.print(result.line(), style="red")
    out.print(f"{'rule':<12} {'refused':>8} {'passed':>8} {'recorded':>9}")
    for rule in report.reachable:
        counts = (reach.refused[rule], reach.passed[rule], reach.recorded[rule])
        style = None if report.reached(rule) else "red"
        out.print(f"{rule:<12} {counts[0]:>8} {counts[1]:>8} {counts[2]:>9}", style=style)
    for key, names in report.gaps().items():
        out.print(f"{GAPS[key]}: {', '.join(names) if names else 'none'}")
    data = report.as_dict()["apart"]
    out.print("not a story's to reach: " + ", ".join(data["door"]))
    out.print("kept without a refusal of their own: " + ", ".join(data["kept"]))
    reached = sum(map(report.reached, report.reachable))
    line = f"{len(reach.results)} stories; {reached} of {len(report.reachable)} reachable rules"
    line += f" reached ({report.rule_share:.1f}%)"
    if report.branches is not None:
        shown = report.branches
        line += f"; {shown['covered']} of {shown['total']} branches of hightable.core"
        line += f" ({shown['percent']:.1f}%)"
    out.print(line + f"; {len(RULES)} rules in all")
