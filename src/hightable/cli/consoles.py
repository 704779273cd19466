"""The command line's two consoles. No text is read as markup or emoji: titles, ids and
messages come from users and stories; and their control characters reach no terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

# C0 (but the line break and the tab), DEL and C1: each shown as a picture of itself (␛ for
# ESC), so that a name or a note from any sender cannot recolour, move or retitle the reader's
# terminal. One character for one: the styles of a Text keep their places.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\n\t"}
_PICTURES |= {0x7F: "\u2421"} | {code: "\ufffd" for code in range(0x80, 0xA0)}


def visible(text: str) -> str:
    return text.translate(_PICTURES)


def _visible(each: Any) -> Any:
    if isinstance(each, str):
        return visible(each)
    if isinstance(each, Text):
        shown = each.copy()
        shown.plain = visible(each.plain)
        return shown
    return each


class PlainConsole(Console):
    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*map(_visible, objects), **options)


out = PlainConsole(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = PlainConsole(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
