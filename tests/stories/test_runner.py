"""The story runner: passing, failing with the step's line, and broken shapes without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from hightable.stories import load_story, play, play_path, story_paths

FIXTURES = Path(__file__).parent / "fixtures"


def write(tmp_path: Path, text: str, name: str = "story.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = "story: t\nstart: 2019-05-17T17:00:00Z\nsteps:\n"


def test_a_failing_story_fails_with_the_line_expected_and_seen() -> None:
    """The runner can fail: the step's line number, what was expected and what was seen."""
    result = play_path(FIXTURES / "failing.yaml")
    assert not result.passed and result.failure is not None
    assert 7 == result.failure.line
    assert "refused with COIN-2" == result.failure.expected
    assert "accepted (coins_transferred)" == result.failure.seen


def test_a_failing_check_names_the_path() -> None:
    """A check that does not hold shows the path, the expected and the seen value."""
    result = play_path(FIXTURES / "failing-check.yaml")
    assert result.failure is not None
    assert 5 == result.failure.line
    assert "members.john.status = 'active'" == result.failure.seen


def test_a_refusal_where_acceptance_was_expected_shows_the_rule(tmp_path: Path) -> None:
    """An unexpected refusal shows the rule and its message."""
    path = write(tmp_path, HEADER + "  - {by: table, do: mint, to: john, amount: 5}\n")
    result = play_path(path)
    assert result.failure is not None
    assert "accepted" == result.failure.expected
    assert "refused: ID-3: to: no account 'john' in this world" == result.failure.seen


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("  - {by: table, do: tick, at: yesterday}\n", 4, "at:"),
        (
            "  - {by: table, do: tick}\n  - {check: {clock: 1}, by: table}\n",
            5,
            "check step takes only",
        ),
        ("  - {by: table, do: tick, expect: {refused: NOPE-1}}\n", 4, "no rule ID"),
        ("  - {by: table, do: tick, expect: maybe}\n", 4, "expect:"),
        ("  - {by: table}\n", 4, "needs 'do'"),
        ("  - just words\n", 4, "a step is a mapping"),
        ("  - {check: {}}\n", 4, "check:"),
        ("  - {by: table, do: tick\n", 5, "not valid YAML"),
    ],
)
def test_a_broken_step_fails_the_story_clearly(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    """A step with a broken shape fails the story with its line and a clear message."""
    result = play_path(write(tmp_path, HEADER + body))
    assert result.failure is not None
    assert line == result.failure.line
    assert message in result.failure.seen


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("story: t\nsteps: []\n", "missing 'start'"),
        ("story: t\nstart: 2019-05-17T17:00:00Z\nsteps: []\nstep: 1\n", "unknown key 'step'"),
        ("story: t\nstart: noon\nsteps: []\n", "start:"),
        ("- a list\n", "a story is a mapping"),
        ("story: t\nworld: Not A Slug\nstart: 2019-05-17T17:00:00Z\nsteps: []\n", "world:"),
        ('story: t\nworld: "john\\n"\nstart: 2019-05-17T17:00:00Z\nsteps: []\n', "world:"),
    ],
)
def test_a_broken_story_fails_clearly(tmp_path: Path, text: str, message: str) -> None:
    """A story whose top level is broken fails with a message, never a traceback."""
    result = play_path(write(tmp_path, text))
    assert result.failure is not None and message in result.failure.seen


def test_invalid_utf8_is_a_clear_failure(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 fail the story with the line they are on."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(HEADER.encode() + b"  - {by: table, do: register, member: x, name: \xff}\n")
    result = play_path(path)
    assert result.failure is not None and 4 == result.failure.line
    assert "not UTF-8" in result.failure.seen


def test_a_missing_file_is_a_clear_failure(tmp_path: Path) -> None:
    """A path that does not exist fails, naming the problem."""
    result = play_path(tmp_path / "nowhere.yaml")
    assert result.failure is not None and "No such file" in result.failure.seen


def test_unknown_command_fields_are_cmd_1_refusals(tmp_path: Path) -> None:
    """Every key other than at, by, do, expect, check is a field of the command."""
    path = write(
        tmp_path, HEADER + "  - {by: table, do: tick, colour: red, expect: {refused: CMD-1}}\n"
    )
    assert play_path(path).passed


def test_steps_without_at_happen_a_minute_apart_and_checks_take_no_time(tmp_path: Path) -> None:
    """§15: a step without at is one minute after the last; a check takes no time."""
    text = HEADER + (
        "  - {by: table, do: tick}\n"
        "  - {check: {clock: 2019-05-17T17:01:00Z}}\n"
        "  - {at: +2h, by: table, do: tick}\n"
        "  - {by: table, do: tick}\n"
        "  - {check: {clock: '2019-05-17T19:02:00Z'}}\n"
    )
    story = load_story(write(tmp_path, text))
    assert ["2019-05-17T17:01:00Z", "2019-05-17T19:01:00Z", "2019-05-17T19:02:00Z"] == [
        step.at for step in story.steps if step.command
    ]
    assert play(story)[0].passed


def test_story_paths_walks_folders_in_order(tmp_path: Path) -> None:
    """Folders are searched for .yaml and .yml files, sorted."""
    (tmp_path / "b").mkdir()
    for name in ("b/2.yml", "a.yaml", "b/1.yaml", "notes.txt"):
        (tmp_path / name).write_text(HEADER)
    assert ["a.yaml", "1.yaml", "2.yml"] == [path.name for path in story_paths([tmp_path])]
