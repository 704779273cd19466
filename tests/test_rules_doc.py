"""docs/rules.md lists every rule ID the engine can name, and the engine knows every rulebook ID."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hightable.core import RULES

ROOT = Path(__file__).parents[1]
RULE_ID = re.compile(r"\b[A-Z]+-\d+\b")


def test_every_rule_the_engine_names_is_written_down() -> None:
    """Each ID in RULES has a row in docs/rules.md, and docs/rules.md names no other."""
    written = set(
        re.findall(r"^\| ([A-Z]+-\d+) \|", (ROOT / "docs" / "rules.md").read_text(), re.M)
    )
    assert set(RULES) == written


def test_every_refusal_in_the_code_names_a_known_rule() -> None:
    """Every `refuse("X-N", ...)` in the source names an ID of RULES."""
    source = "\n".join(path.read_text() for path in (ROOT / "src").rglob("*.py"))
    named = set(re.findall(r'refuse\(\s*"([A-Z]+-\d+)"', source))
    assert named and named <= set(RULES)


def test_the_engine_knows_every_rule_of_the_rulebook() -> None:
    """Every rule ID of the rulebook's chapters built so far is in RULES."""
    rulebook = ROOT.parent / "shared" / "RULEBOOK.md"
    if not rulebook.exists():
        pytest.fail(f"the rulebook is expected beside the project at {rulebook}")
    built = {
        "WORLD",
        "TIME",
        "CMD",
        "ID",
        "IDEM",
        "LIFE",
        "ROLE",
        "COIN",
        "HOTEL",
        "CONTRACT",
        "EXCOM",
        "MARKER",
        "CHAIN",
    }
    ids = {rule for rule in RULE_ID.findall(rulebook.read_text()) if rule.split("-")[0] in built}
    assert ids <= set(RULES)
