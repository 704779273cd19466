"""The law rule by rule: each rule's text as docs/rules.md gives it (the copy hightable ships), and
the places in hightable's own source that name it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hightable.resources import PACKAGE, rules_text

HEADING = re.compile(r"^## (.+?)(?: — .*)?$")
ROW = re.compile(r"^\| ([A-Z]+-[0-9]+) \| (.+) \|$")
# The IDs and titles themselves, and the command line's examples, are no use of a rule.
SKIPPED = (PACKAGE / "core" / "rules.py", PACKAGE / "law.py", PACKAGE / "cli")


@dataclass(frozen=True)
class RuleText:
    rule: str
    chapter: str  # the heading of the section whose table holds it
    text: str


@dataclass(frozen=True)
class Place:
    module: str  # hightable.core.coins
    line: int
    source: str  # the line itself, stripped


def rule_texts(path: Path | None = None) -> dict[str, RuleText]:
    """Every rule row of the law, by ID, in the order the law writes them."""
    chapter = ""
    texts: dict[str, RuleText] = {}
    for line in (path or rules_text()).read_text(encoding="utf-8").splitlines():
        if heading := HEADING.match(line):
            chapter = heading[1]
        elif row := ROW.match(line):
            texts[row[1]] = RuleText(row[1], chapter, row[2])
    return texts


def places(rule: str, package: Path = PACKAGE) -> list[Place]:
    """Where the source names a rule: first where it refuses or records it, then where a comment
    or a docstring cites it, then any other mention (a table of notes, an example)."""
    named = re.compile(rf"(?<![A-Z0-9-]){re.escape(rule)}(?![0-9])")
    acting = re.compile(rf'(?:refused?\(|rule=)"{re.escape(rule)}"')
    found: list[tuple[int, Place]] = []
    for path in sorted(package.rglob("*.py")):
        if any(path == skipped or skipped in path.parents for skipped in SKIPPED):
            continue
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if named.search(line):
                rank = 0 if acting.search(line) else 2 if f'"{rule}"' in line else 1
                found.append((rank, Place(module.removesuffix(".__init__"), number, line.strip())))
    return [place for _, place in sorted(found, key=lambda item: item[0])]
