"""How fast the command line starts: `hightable rules` (no store, no server) beside a bare
`python -c pass` of the same interpreter, run by run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.measure import side_by_side, timed

RUNS = 15  # a start takes a tenth of a second: many runs for a steady median
TARGET_S = 0.25


def startup(f: dict[str, float], r: dict[str, float]) -> None:
    hightable = str(Path(sys.executable).parent / "hightable")

    def rules() -> float:
        return timed(lambda: quietly([hightable, "rules"]))

    def bare() -> float:
        return timed(lambda: quietly([sys.executable, "-c", "pass"]))

    ours, floor, ratio = side_by_side(RUNS, rules, bare)
    f["hightable rules s"] = ours
    f["python -c pass s"] = floor
    r["rules/python-start"] = 1 / ratio  # how many times a bare start `hightable rules` takes


def quietly(command: list[str]) -> None:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
