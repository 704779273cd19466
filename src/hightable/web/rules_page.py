"""The rules page: each rule's full text as docs/rules.md gives it, under its chapter."""

from __future__ import annotations

import html
import re
from pathlib import Path

from hightable.core import RULES

ROW = re.compile(r"^\| ([A-Z]+-\d+) \| (.+) \|$")
CHAPTER = re.compile(r"^## (.+?)(?: — .*)?$")
INLINE = ((re.compile(r"\*\*(.+?)\*\*"), r"<b>\1</b>"), (re.compile(r"\*(.+?)\*"), r"<i>\1</i>"))
CODE = re.compile(r"`([^`]+)`")


def rules_markdown() -> str | None:
    """docs/rules.md, read where it lies beside the source; None where it is not shipped."""
    path = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


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


def rule_rows(markdown: str | None) -> str:
    """A table row for each rule, a heading row for each chapter; a rule the document does not
    give (or no document) shows its title."""
    texts: dict[str, tuple[str, str]] = {}
    chapter = ""
    for line in (markdown or "").splitlines():
        heading = CHAPTER.match(line)
        if heading:
            chapter = heading[1]
        row = ROW.match(line)
        if row:
            texts[row[1]] = (chapter, row[2])
    rows, shown_chapter = [], None
    for rule, title in RULES.items():
        chapter, text = texts.get(rule, ("", ""))
        if chapter != shown_chapter and chapter:
            rows.append(f'<tr class="chapter"><td colspan="2">{html.escape(chapter)}</td></tr>')
            shown_chapter = chapter
        said = inline(text) if text else html.escape(title)
        rows.append(f'<tr id="{rule}"><th>{rule}</th><td>{said}</td></tr>')
    return "\n".join(rows)
