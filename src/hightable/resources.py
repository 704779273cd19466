"""Where the files hightable ships beside its code are: the stories and the law (docs/rules.md).

Each has one source in the project (`stories/`, `docs/rules.md`); the wheel carries them inside
the package, under `_shipped/` (pyproject.toml's force-include), and an editable install reads
them from the checkout itself.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "_shipped"  # as the wheel lays them out
CHECKOUT = PACKAGE.parents[1]  # src/hightable -> the project's root


def stories_folder() -> Path:
    """The shipped stories: one folder per chapter, and `canon/` the films."""
    return _found(SHIPPED / "stories", CHECKOUT / "stories")


def canon_folder() -> Path:
    return stories_folder() / "canon"


def rules_text() -> Path:
    """The law: docs/rules.md."""
    return _found(SHIPPED / "rules.md", CHECKOUT / "docs" / "rules.md")


def _found(installed: Path, checkout: Path) -> Path:
    # The installed copy wins: a wheel installed into a checkout's venv reads its own files.
    return installed if installed.exists() else checkout
