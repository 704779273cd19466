"""The command line's two consoles. No text is read as markup or emoji: titles, ids and
messages come from users and stories; nor is any sent to the terminal as a control: a name or a
note holding ESC (which could clear the screen or retitle the window) is printed as `\\x1b`."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console

# C0 controls but the line's own (tab, newline), DEL, and C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """The text with each control character written as its escape."""
    return _CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


class Plain(Console):
    """A console whose text arguments reach the terminal as text only."""

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*(inert(o) if isinstance(o, str) else o for o in objects), **options)


out = Plain(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Plain(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
