"""The share of the core's branches the stories execute, measured with coverage.py.

The stories are played again in a fresh interpreter that starts measuring before it imports
hightable: in this one the core is imported already, and its module-level lines would count as
never run. coverage.py is optional (`pip install 'hightable[coverage]'`).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MISSING = "--branches needs coverage.py: pip install 'hightable[coverage]'"

# Run in the child: measure hightable.core's branches while every story is played.
CHILD = """
import json, sys
import coverage
measuring = coverage.Coverage(
    branch=True, source_pkgs=["hightable.core"], data_file=None, config_file=False
)
measuring.start()
from hightable.stories.coverage import measure
measure(map(__import__("pathlib").Path, sys.argv[2:]))
measuring.stop()
measuring.json_report(outfile=sys.argv[1])
"""


class BranchesUnavailable(Exception):
    """coverage.py is not installed, or measuring failed."""


def available() -> bool:
    return importlib.util.find_spec("coverage") is not None


def measure_branches(files: Sequence[Path]) -> dict[str, Any]:
    """Covered and total branches of hightable.core while `files` are played, and the share."""
    if not available():
        raise BranchesUnavailable(MISSING)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "coverage.json"
        child = [sys.executable, "-c", CHILD, str(report), *map(str, files)]
        done = subprocess.run(child, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not report.exists():
            raise BranchesUnavailable(f"measuring branches failed: {done.stderr.strip()[-500:]}")
        totals = json.loads(report.read_text())["totals"]
    total, covered = totals["num_branches"], totals["covered_branches"]
    percent = 100.0 * covered / total if total else 100.0
    return {"covered": covered, "total": total, "percent": round(percent, 1)}
