"""`hightable coverage`: the shipped stories reach every reachable rule, and the report's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hightable.cli import app
from hightable.core import COMMANDS, RULES
from hightable.stories import story_paths
from hightable.stories.coverage import Report, measure
from hightable.stories.reach import DOOR, GENERIC, KEPT, reachable_rules, rules_of

ROOT = Path(__file__).parents[2]
STORIES = ROOT / "stories"
COINS = STORIES / "coins"
FAILING = ROOT / "tests" / "stories" / "fixtures" / "failing.yaml"
NOTHING_UNREACHED = {
    "rules": [],
    "never_refused": [],
    "never_passed": [],
    "never_recorded": [],
    "commands": [],
}
runner = CliRunner()


def test_the_shipped_stories_leave_no_reachable_rule_unreached() -> None:
    """Every reachable rule is refused and accepted past (or recorded), and every command given."""
    report = Report(measure(story_paths([STORIES])))
    assert [] == report.reach.failed
    assert NOTHING_UNREACHED == report.gaps()


def test_a_few_stories_leave_rules_unreached() -> None:
    """The coins stories alone reach no duel: the count sees what is missing."""
    gaps = Report(measure(story_paths([COINS]))).gaps()
    assert "DUEL-1" in gaps["rules"]
    assert "challenge" in gaps["commands"]


def test_every_rule_is_reachable_a_door_rule_or_kept_otherwise() -> None:
    """The rules split three ways, with no rule left out and none twice."""
    reachable = reachable_rules()
    assert set(RULES) == reachable | set(DOOR) | set(KEPT)
    assert set() == reachable & set(DOOR)
    assert set() == reachable & set(KEPT)
    assert set() == set(DOOR) & set(KEPT)


def test_the_door_rules_are_the_http_store_and_engine_fault_rules() -> None:
    """What no story can reach: the HTTP API's, the store's, the chain's and the engine's faults."""
    doors = ("ACCESS-", "LIMIT-", "CHAIN-", "STORE-", "INTERNAL-", "FAULT-", "INVARIANT-")
    worlds_and_time = {"WORLD-1", "WORLD-2", "TIME-3", "TIME-4"}  # the store's, the door's clock
    expected = {rule for rule in RULES if rule.startswith(doors)} | worlds_and_time
    assert expected == set(DOOR)


def test_the_rules_of_a_command_are_read_from_its_code() -> None:
    """A helper of another chapter, a refusal over several lines and an authority's closure."""
    assert {"COIN-1", "COIN-2", "CONTRACT-1", "CONTRACT-7", "ID-2", "ROLE-1"} | set(
        GENERIC
    ) == rules_of("post_contract")
    assert "CONTRACT-6" in rules_of("claim_contract")
    assert {"DUEL-3", *GENERIC} == rules_of("sanction_duel")
    assert "PARLAY-1" in rules_of("eliminate")  # a guard another chapter puts on it


def test_json_has_a_stable_shape() -> None:
    """--json: the format, the stories, counts per rule and per command, gaps, shares."""
    result = runner.invoke(app, ["coverage", "--json", str(COINS)])
    report = json.loads(result.output)
    assert 0 == result.exit_code, result.output
    keys = ["format", "stories", "rules", "commands", "unreached", "apart", "share", "branches"]
    assert keys == list(report)
    assert 1 == report["format"]
    assert {"played": 2, "failed": []} == report["stories"]
    assert {"refused", "passed", "recorded"} == set(report["rules"]["COIN-2"])
    assert list(COMMANDS) == list(report["commands"])
    assert {"accepted", "refused"} == set(report["commands"]["mint"])
    assert set(NOTHING_UNREACHED) == set(report["unreached"])
    assert {"door", "kept"} == set(report["apart"])
    assert {"rules", "branches"} == set(report["share"])
    assert report["branches"] is None


def test_fail_under_exits_1_when_too_few_rules_are_reached() -> None:
    """--fail-under N exits 1 under N percent of the reachable rules, 0 at or above it."""
    share = json.loads(runner.invoke(app, ["coverage", "--json", str(COINS)]).output)["share"]
    assert share["rules"] < 50
    assert 1 == runner.invoke(app, ["coverage", str(COINS), "--fail-under", "50"]).exit_code
    assert 0 == runner.invoke(app, ["coverage", str(COINS), "--fail-under", "10"]).exit_code
    assert 0 == runner.invoke(app, ["coverage", str(STORIES), "--fail-under", "100"]).exit_code


def test_a_failing_story_fails_the_coverage() -> None:
    """A story that fails is printed and makes coverage exit 1, whatever the shares."""
    result = runner.invoke(app, ["coverage", str(COINS), str(FAILING)])
    assert 1 == result.exit_code
    assert f"FAIL {FAILING}:7" in result.output


def test_branches_are_measured_and_fail_under_counts_them() -> None:
    """--branches adds the share of hightable.core's branches, which --fail-under also judges."""
    result = runner.invoke(app, ["coverage", "--json", "--branches", str(STORIES)])
    branches = json.loads(result.output)["branches"]
    assert 0 == result.exit_code, result.output
    assert 0 < branches["covered"] < branches["total"]
    assert round(100 * branches["covered"] / branches["total"], 1) == branches["percent"]
    strict = ["coverage", "--branches", str(STORIES), "--fail-under", "100"]
    assert 1 == runner.invoke(app, strict).exit_code


def test_branches_without_coverage_py_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without coverage.py, --branches is a usage error naming the extra to install."""
    monkeypatch.setattr("hightable.stories.branches.available", lambda: False)
    result = runner.invoke(app, ["coverage", "--branches", str(COINS)])
    assert 2 == result.exit_code
    assert "pip install 'hightable[coverage]'" in result.output
