"""The README stays true: its test command is the one CI runs, and its commands work."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from hightable.cli import app

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def test_ci_runs_the_readme_test_command() -> None:
    """The one test command of the README is the line .ci/run runs."""
    command = re.search(r"## Run the tests\n\n```sh\n(.+)\n```", README)
    assert command is not None
    assert command[1] in (ROOT / ".ci" / "run").read_text().splitlines()


def test_readme_hightable_commands_succeed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every `hightable ...` line of the README's shell blocks runs and exits 0."""
    monkeypatch.chdir(ROOT)
    lines = re.findall(r"^(?:\.venv/bin/)?hightable (.+)$", README, re.M)
    lines += re.findall(r"&& \.venv/bin/hightable (.+)$", README, re.M)
    assert lines
    for line in lines:
        result = CliRunner().invoke(app, line.split())
        assert 0 == result.exit_code, (line, result.output)
