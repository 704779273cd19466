"""`hightable rules ID`: the rule's text from the law as shipped, and where the code names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import run
from hightable import resources
from hightable.core import RULES
from hightable.law import places, rule_texts
from hightable.resources import PACKAGE, rules_text

ROOT = Path(__file__).parents[1]


def test_a_rule_prints_its_text_and_its_places_in_the_code() -> None:
    """COIN-2: its title, its chapter, its whole row of docs/rules.md, and the refusal's line."""
    code, output = run("rules", "coin-2")
    lines = output.splitlines()
    assert 0 == code, output
    assert "COIN-2: No balance may go below zero" == lines[0]
    assert "§3. Gold coins (docs/rules.md)" == lines[1]
    assert "No balance may go below zero." == lines[2]
    refusal = next(line for line in lines if 'refuse("COIN-2"' in line)
    module, number = refusal.split()[0].split(":")
    source = PACKAGE.parent.joinpath(*module.split(".")).with_suffix(".py")
    assert 'refuse("COIN-2"' in source.read_text().splitlines()[int(number) - 1]


def test_the_places_that_refuse_come_first() -> None:
    found = places("MARKER-2")
    assert 'refuse("MARKER-2"' in found[0].source
    assert all(place.module.startswith("hightable.") for place in found)
    assert not any(place.module.startswith("hightable.cli") for place in found)


def test_every_rule_has_its_text_in_the_law() -> None:
    """The law the package reads is docs/rules.md, and every ID has its row there."""
    assert (ROOT / "docs" / "rules.md").resolve() == rules_text().resolve()
    texts = rule_texts()
    assert set(RULES) == set(texts)
    assert texts["COIN-3"].text.startswith("Only `table` mints")


def test_an_unknown_rule_is_named_with_the_closest_ones() -> None:
    code, output = run("rules", "HOTL-2")
    assert 2 == code
    assert "no rule 'HOTL-2'; did you mean HOTEL-2" in output
    code, output = run("rules", "nothing-like-it")
    assert 2 == code and "did you mean" not in output and "hightable rules" in output


def test_the_shipped_files_are_found_as_the_wheel_lays_them_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed, the stories and the law are under the package's `_shipped/`; in a checkout,
    where they are kept."""
    assert ROOT / "stories" == resources.stories_folder()
    (tmp_path / "stories" / "canon").mkdir(parents=True)
    (tmp_path / "rules.md").write_text("| COIN-2 | No balance may go below zero. |\n")
    monkeypatch.setattr(resources, "SHIPPED", tmp_path)
    assert tmp_path / "stories" / "canon" == resources.canon_folder()
    assert "No balance may go below zero." == rule_texts()["COIN-2"].text


def test_play_without_a_path_plays_the_shipped_stories() -> None:
    shipped = len(list(resources.stories_folder().rglob("*.yaml")))
    code, output = run("play")
    assert 0 == code and f"{shipped} passed, 0 failed" == output.splitlines()[-1]
