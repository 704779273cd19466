"""The `hightable` command: play and view, exit codes, and clear errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from hightable.cli import app

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "stories" / "fixtures"
SOFIA = ROOT / "stories" / "canon" / "parabellum-sofias-marker.yaml"
GRACE = ROOT / "stories" / "canon" / "parabellum-the-hour-of-grace.yaml"
runner = CliRunner()


def test_play_passes_the_shipped_stories() -> None:
    """`hightable play stories/` exits 0, one PASS line per story."""
    result = runner.invoke(app, ["play", str(ROOT / "stories")])
    assert 0 == result.exit_code, result.output
    stories = [line for line in result.output.splitlines() if line.startswith("PASS")]
    assert len(stories) >= 25
    assert "FAIL" not in result.output


def test_play_fails_with_file_line_expected_and_seen() -> None:
    """A failing story makes play exit 1 and print where and why."""
    result = runner.invoke(app, ["play", str(SOFIA), str(FIXTURES / "failing.yaml")])
    assert 1 == result.exit_code
    assert f"FAIL {FIXTURES / 'failing.yaml'}:7" in result.output
    assert "expected refused with COIN-2" in result.output
    assert "1 passed, 1 failed" in result.output


def test_play_json_report() -> None:
    """--json gives a machine-readable report."""
    result = runner.invoke(app, ["play", "--json", str(FIXTURES)])
    report = json.loads(result.output)
    assert 1 == result.exit_code
    assert {"passed": 0, "failed": 2} == {key: report[key] for key in ("passed", "failed")}
    assert {7, 5} == {story["failure"]["line"] for story in report["stories"]}


def test_view_at_an_instant_and_path() -> None:
    """`hightable view STORY --at --path` prints the view as JSON, as of that instant."""
    before = runner.invoke(
        app, ["view", str(GRACE), "--at", "2019-05-17T17:59:59Z", "--path", "members.john"]
    )
    after = runner.invoke(
        app, ["view", str(GRACE), "--at", "2019-05-17T18:00:00Z", "--path", "members.john.status"]
    )
    assert 0 == before.exit_code, before.output
    assert "active" == json.loads(before.output)["status"]
    assert "excommunicado" == json.loads(after.output)


def test_view_errors_are_clear() -> None:
    """A bad instant, a path that leads nowhere, or a missing story: exit 2 and a message."""
    cases = [
        (["view", str(GRACE), "--at", "teatime"], "--at:"),
        (["view", str(GRACE), "--path", "members.nobody"], "no 'nobody' in members"),
        (["view", str(ROOT / "nowhere.yaml")], "No such file"),
    ]
    for arguments, message in cases:
        result = runner.invoke(app, arguments)
        assert 2 == result.exit_code, arguments
        assert message in result.output
        assert "Traceback" not in result.output


def test_view_outside_the_worlds_time_is_a_refusal() -> None:
    """TIME-3 is a rule: exit 1, naming it."""
    result = runner.invoke(app, ["view", str(GRACE), "--at", "1990-01-01T00:00:00Z"])
    assert 1 == result.exit_code and "TIME-3" in result.output


def test_rules_lists_titles() -> None:
    """`hightable rules` lists every rule ID with its title."""
    result = runner.invoke(app, ["rules"])
    assert "COIN-2       No balance may go below zero" in result.output.splitlines()
    assert 69 <= len(result.output.splitlines())


def test_the_installed_command_runs() -> None:
    """The console script works as installed (a real process, not the test runner)."""
    process = subprocess.run(
        [sys.executable, "-m", "hightable", "play", str(SOFIA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert 0 == process.returncode, process.stderr
    assert process.stdout.startswith("PASS")


def test_view_dossier_prints_a_members_facts_with_instants() -> None:
    """`--dossier MEMBER` prints status, breaches, terms and the timeline, each with its instant."""
    story = ROOT / "stories" / "canon" / "parabellum-the-elders-terms.yaml"
    result = runner.invoke(app, ["view", str(story), "--dossier", "john"])
    assert 0 == result.exit_code, result.output
    lines = result.output.splitlines()
    assert "John Wick (john)" == lines[0]
    assert "  status              excommunicado" in lines
    assert "  TERMS-3  (2019-05-20T11:00:00Z)" in lines
    assert any(
        line.startswith("  the-elders-terms, from elder to john: renounced") for line in lines
    )
    assert "  2019-05-17T18:00:00Z  John Wick's grace ran out: excommunicado." in lines


def test_view_dossier_as_of_an_instant_and_of_no_one() -> None:
    """A dossier as of an earlier instant shows the member as they were; a stranger is named."""
    story = ROOT / "stories" / "canon" / "parabellum-the-elders-terms.yaml"
    earlier = runner.invoke(
        app, ["view", str(story), "--at", "2019-05-19T15:00:00Z", "--dossier", "john"]
    )
    assert "  status              active" in earlier.output.splitlines()
    unknown = runner.invoke(app, ["view", str(story), "--dossier", "keanu"])
    assert 2 == unknown.exit_code and "no member 'keanu'" in unknown.output
