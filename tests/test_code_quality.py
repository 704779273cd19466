"""The package type-checks under mypy --strict and passes the linter, as part of the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mypy import api as mypy_api

ROOT = Path(__file__).parents[1]


def test_the_package_type_checks_strictly() -> None:
    """mypy --strict (configured in pyproject.toml) finds no error in src/."""
    report, errors, status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert 0 == status, report + errors


def test_the_code_passes_the_linter() -> None:
    """ruff finds nothing in src/, tests/ and bench/."""
    process = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == process.returncode, process.stdout + process.stderr
