"""The `hightable` command: stories, stored worlds, and looking inside them."""

from hightable.cli import (  # noqa: F401  (each registers its commands)
    catalogue,
    commands,
    coverage,
    demo,
    look,
    migrate,
    operate,
    serve,
    stories,
    storm,
    worlds,
)
from hightable.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
