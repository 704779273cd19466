"""The command line's two consoles. No text is read as markup or emoji: titles, ids and
messages come from users and stories."""

from __future__ import annotations

from rich.console import Console

out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
