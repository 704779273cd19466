"""The `hightable` command: stories, stored worlds, and looking inside them."""

from hightable.cli import look, serve, stories, storm, worlds  # noqa: F401  (each registers its commands)
from hightable.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
