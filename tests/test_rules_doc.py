"""docs/rules.md is the law: it lists every rule ID the engine can name, names no rule the engine
does not know, and its command reference is the engine's set of commands."""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import structs

from hightable.core import COMMANDS, RULES

ROOT = Path(__file__).parents[1]
RULES_DOC = (ROOT / "docs" / "rules.md").read_text()
RULE_ID = re.compile(r"\b[A-Z]+-\d+\b")
COMMON_FIELDS = {"at", "by", "cid", "world", "note", "do"}


def section(heading: str) -> str:
    """The text of the section of docs/rules.md whose heading starts with `heading`."""
    start = RULES_DOC.index(f"\n## {heading}")
    end = RULES_DOC.find("\n## ", start + 1)
    return RULES_DOC[start : end if end != -1 else len(RULES_DOC)]


def test_every_rule_the_engine_names_is_written_down() -> None:
    """Each ID in RULES has a row in docs/rules.md, and docs/rules.md names no other."""
    written = set(re.findall(r"^\| ([A-Z]+-\d+) \|", RULES_DOC, re.M))
    assert set(RULES) == written


def test_every_refusal_in_the_code_names_a_known_rule() -> None:
    """Every `refuse("X-N", ...)` in the source names an ID of RULES."""
    source = "\n".join(path.read_text() for path in (ROOT / "src").rglob("*.py"))
    named = set(re.findall(r'refuse\(\s*"([A-Z]+-\d+)"', source))
    assert named and named <= set(RULES)


def test_the_engine_knows_every_rule_of_the_rulebook() -> None:
    """Every rule ID docs/rules.md names anywhere, prose and tables alike, is in RULES."""
    named = set(RULE_ID.findall(RULES_DOC))
    assert len(named) > 50
    assert set() == named - set(RULES)


def command_reference() -> list[tuple[str, str]]:
    """Each command of the §16 table, with the text of its fields cell, in the table's order."""
    table = section("16. Command reference").split("| --- | --- |\n", 1)[1]
    rows = re.findall(r"^\| ([a-z_]+(?: / [a-z_]+)*) \| (.*) \|$", table, re.M)
    return [(name, fields) for names, fields in rows for name in names.split(" / ")]


def test_the_command_reference_is_the_engine_s_commands() -> None:
    """The §16 command reference lists every registered command once, and no other."""
    listed = [name for name, _ in command_reference()]
    assert len(listed) == len(set(listed))
    assert set(COMMANDS) == set(listed)


def test_the_command_reference_gives_each_command_its_fields() -> None:
    """Each command's fields in §16 are its struct's fields, `?` marking exactly the optional."""
    for name, cell in command_reference():
        # Drop the notes in parentheses and braces: what is left is `field` or `field?` each.
        words = [w.strip(" :") for w in re.sub(r"\([^)]*\)|\{.*\}", "", cell).split(",")]
        written = {w.rstrip("?"): w.endswith("?") for w in words if w}
        fields = structs.fields(COMMANDS[name].cls)
        declared = {f.encode_name: not f.required for f in fields if f.name not in COMMON_FIELDS}
        assert (name, declared) == (name, written)
