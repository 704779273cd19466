"""The JSON Schema of a story (`hightable schema story`): read from the core's registry, and
every shipped story meets it, while a mistyped step does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from cli_helpers import run
from hightable.core import COMMANDS
from hightable.schemas import story_schema
from hightable.stories import story_paths
from hightable.stories.loader import load_story, plain

ROOT = Path(__file__).parents[2]
VALIDATOR = Draft202012Validator(story_schema())


def as_json(path: Path) -> object:
    """The story as an editor's YAML server reads it: timestamps as text."""
    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


def story(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"story": "s", "start": "2019-05-17T17:00:00Z", "steps": list(steps)}


def test_the_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(story_schema())


@pytest.mark.parametrize("path", story_paths([ROOT / "stories"]), ids=lambda p: p.name)
def test_every_shipped_story_meets_the_schema(path: Path) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message[:200]}" for e in VALIDATOR.iter_errors(as_json(path))
    ]
    assert [] == errors


def test_every_command_is_a_kind_of_step() -> None:
    steps = story_schema()["$defs"]["Command"]["oneOf"]
    assert len(COMMANDS) == len(steps)


MINT = {"by": "table", "do": "mint", "to": "john", "amount": 5}


@pytest.mark.parametrize(
    "step",
    [
        {**MINT, "do": "mnit"},
        {k: v for k, v in {**MINT, "amont": 5}.items() if k != "amount"},
        {k: v for k, v in MINT.items() if k != "by"},
        {**MINT, "amount": "five"},
        {**MINT, "expect": {"refused": "COIN-9"}},
        {"check": {}},
        {"check": {"members.john.balance": 5}, "by": "table"},
    ],
)
def test_a_mistyped_step_does_not_meet_the_schema(step: dict[str, Any]) -> None:
    assert not VALIDATOR.is_valid(story(step))
    assert VALIDATOR.is_valid(story(MINT, {**MINT, "at": "+5m", "expect": {"refused": "COIN-1"}}))


def test_a_step_expected_malformed_may_take_any_shape() -> None:
    """A story shows CMD-1 by sending what is malformed: the schema lets it through."""
    assert VALIDATOR.is_valid(story({**MINT, "amount": "five", "expect": {"refused": "CMD-1"}}))


def test_hightable_schema_story_prints_it() -> None:
    code, output = run("schema", "story")
    assert (0, story_schema()) == (code, json.loads(output))


def test_an_id_that_is_no_slug_meets_the_schema_only_where_id_1_is_expected() -> None:
    """An editor flags `member: John Wick` as the core would (ID-1), unless the step shows it."""
    step = {"by": "table", "do": "register", "member": "John Wick", "name": "John"}
    assert (False, True) == (
        VALIDATOR.is_valid(story(step)),
        VALIDATOR.is_valid(story({**step, "expect": {"refused": "ID-1"}})),
    )
    assert not VALIDATOR.is_valid({**story(), "world": "Parabellum"})


def test_a_step_s_time_is_an_instant_or_a_time_after_the_step_before() -> None:
    assert (True, True, False, False) == tuple(
        VALIDATOR.is_valid(story({**MINT, "at": at}))
        for at in ("+90m", "2019-05-17T18:00:00Z", "in an hour", "+5y")
    )
    assert not VALIDATOR.is_valid({**story(), "start": "once upon a time"})


def test_a_title_or_a_world_yaml_reads_as_a_number_meets_the_schema(tmp_path: Path) -> None:
    """`story: 1984` and `world: 2019` are read as numbers by YAML, and played as their text."""
    path = tmp_path / "numbers.yaml"
    path.write_text(
        "story: 1984\nworld: 2019\nstart: 2019-05-17T17:00:00Z\nsteps:\n"
        "  - {by: table, do: register, member: john, name: John}\n"
    )
    loaded = load_story(path)
    assert ("1984", "2019") == (loaded.title, loaded.world)
    assert [] == [error.message for error in VALIDATOR.iter_errors(as_json(path))]
