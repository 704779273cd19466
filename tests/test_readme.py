"""The README stays true: its test command is the one CI runs, and its commands work."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hightable.cli import app

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def test_ci_runs_the_readme_test_command() -> None:
    """The one test command of the README is the line .ci/run runs."""
    command = re.search(r"## Run the tests\n\n```sh\n(.+)\n```", README)
    assert command is not None
    assert command[1] in (ROOT / ".ci" / "run").read_text().splitlines()


def test_readme_hightable_commands_succeed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `hightable ...` line of the README's shell blocks (but servers) runs and exits 0."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stories").symlink_to(ROOT / "stories")
    monkeypatch.setenv("HIGHTABLE_STORE", f"sqlite:///{tmp_path / 'hightable.db'}")
    shell = "\n".join(re.findall(r"```sh\n(.*?)```", README, re.S))
    lines = re.findall(r"&& \.venv/bin/hightable (.+)$", shell, re.M)
    lines += re.findall(r"^hightable (.+)$", shell, re.M)
    # `serve` and `demo` run until stopped: the API and page tests start real servers instead.
    lines = [line for line in lines if not line.startswith(("serve", "demo"))]
    assert len(lines) > 10
    for line in lines:
        result = CliRunner().invoke(app, shlex.split(line))
        assert 0 == result.exit_code, (line, result.output)
