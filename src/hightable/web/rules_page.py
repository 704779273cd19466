"""The rules page: each rule's full text as docs/rules.md gives it, under its chapter."""

from __future__ import annotations

import html
import re

from hightable.core import RULES
from hightable.law import rule_texts

INLINE = ((re.compile(r"\*\*(.+?)\*\*"), r"<b>\1</b>"), (re.compile(r"\*(.+?)\*"), r"<i>\1</i>"))
CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> str:
    """The Markdown of a rule's cell as HTML: code, bold and italics, the rest escaped."""
    parts = CODE.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(f"<code>{html.escape(part)}</code>")
            continue
        escaped = html.escape(part)
        for pattern, replacement in INLINE:
            escaped = pattern.sub(replacement, escaped)
        out.append(escaped)
    return "".join(out)


def rule_rows() -> str:
    """A table row for each rule, a heading row for each chapter, from the law hightable ships; a
    rule the law does not give shows its title."""
    texts = rule_texts()
    rows, shown_chapter = [], None
    for rule, title in RULES.items():
        found = texts.get(rule)
        if found is not None and found.chapter != shown_chapter:
            heading = html.escape(found.chapter)
            rows.append(f'<tr class="chapter"><td colspan="2">{heading}</td></tr>')
            shown_chapter = found.chapter
        said = inline(found.text) if found is not None else html.escape(title)
        rows.append(f'<tr id="{rule}"><th>{rule}</th><td>{said}</td></tr>')
    return "\n".join(rows)
