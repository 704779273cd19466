"""`hightable storm`: the same seed the same storm anywhere, a planted bug found and written
as a short failing story, faults survived, and a CI-sized storm that holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hightable.cli import app
from hightable.core import State
from hightable.core.contracts import ContractCancelled
from hightable.core.engine import APPLIERS
from hightable.stories import play_path
from hightable.storm.run import storm
from hightable.storm.start import from_cast

ROOT = Path(__file__).parents[2]


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["storm", *args])


def report_of(output: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(output)
    document.pop("timing")  # wall time: the one thing two runs do not share
    return document


def test_the_same_seed_gives_the_same_report_and_log_twice_in_one_process(tmp_path: Path) -> None:
    """Two storms of one seed in one process write byte-identical reports and logs."""
    runs = [
        run_cli("--seed", "5", "--steps", "400", "--json", "--log", str(tmp_path / f"{n}.jsonl"))
        for n in (1, 2)
    ]
    assert [0, 0] == [run.exit_code for run in runs]
    assert report_of(runs[0].stdout) == report_of(runs[1].stdout)
    assert (tmp_path / "1.jsonl").read_bytes() == (tmp_path / "2.jsonl").read_bytes()


def test_the_same_seed_gives_the_same_report_across_processes_and_hash_seeds(
    tmp_path: Path,
) -> None:
    """`python -m hightable storm` under two hash seeds prints the same report, byte for byte,
    and writes the same log."""
    outputs, logs = [], []
    for hash_seed in ("1", "2"):
        log = tmp_path / f"{hash_seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "hightable",
                "storm",
                "--seed",
                "9",
                "--steps",
                "400",
                "--actors",
                "30",
                "--log",
                str(log),
            ],
            capture_output=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
        assert 0 == done.returncode, done.stderr
        outputs.append(done.stdout)
        logs.append(log.read_bytes())
    assert outputs[0] == outputs[1]
    assert logs[0] == logs[1]
    assert 400 == len(logs[0].splitlines())


def refund_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug planted in a copy of an applier: a cancelled contract's bounty refunded twice."""
    real = APPLIERS[ContractCancelled]

    def buggy(state: State, event: Any) -> None:
        real(state, event)
        if event.by in state.balances:
            state.balances[event.by] += event.bounty
            state.balance_total += event.bounty
            state.escrow -= event.bounty

    monkeypatch.setitem(APPLIERS, ContractCancelled, buggy)


def test_a_planted_bug_is_found_and_written_as_a_short_story_that_fails_while_it_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a double refund planted, the storm exits 1 and writes a story of a few dozen
    commands that fails with the bug and passes without it."""
    refund_twice(monkeypatch)
    story = tmp_path / "found.yaml"
    result = run_cli("--seed", "1", "--steps", "3000", "--out", str(story), "--json")
    assert 1 == result.exit_code, result.output
    report = report_of(result.stdout)
    assert ("no bug caught", "INVARIANT-1") == (
        report["violation"]["check"],
        report["violation"]["rule"],
    )
    assert report["story_fails"]
    assert report["story_commands"] <= 30
    assert not play_path(story).passed
    monkeypatch.undo()
    assert play_path(story).passed, play_path(story).line()


def test_faults_at_append_break_no_promise() -> None:
    """Appends failing one time in ten, before or after the commit, with exceptions of every
    type: no check breaks, and the faults did happen."""
    report = storm(from_cast(20), seed=4, steps=1500, faults=0.1)
    assert None is report.violation
    assert report.faulted > 50


def test_a_ci_sized_storm_holds_every_promise() -> None:
    """Two thousand commands of the films' cast: every check holds after each, and the storm
    reaches most of the rules a command can be refused with."""
    report = storm(from_cast(None), seed=2, steps=2000)
    assert None is report.violation
    assert 2000 == report.steps
    assert len(report.reached) > 30
