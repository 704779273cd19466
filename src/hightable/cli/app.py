"""The Typer application, its consoles, and the shell's ways of failing clearly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from hightable.errors import Corrupt, HightableError
from hightable.service import WorldService
from hightable.store import open_store, store_url

app = typer.Typer(
    help="hightable: the rules-as-code engine and ledger of the High Table.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="sqlite:///PATH or postgresql://...; default $HIGHTABLE_STORE or sqlite:///hightable.db",
    ),
]


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", markup=True)
    raise typer.Exit(code)


@contextmanager
def service_for(url: str | None) -> Iterator[WorldService]:
    """The worlds of a store, with its failures turned into clear errors (no traceback)."""
    try:
        with open_store(url) as store, progress_bar("replaying", None) as progress:
            service = WorldService(store)
            service.progress = progress
            yield service
    except Corrupt as error:
        fail(f"the log is corrupt: {error}", code=3)
    except HightableError as error:
        fail(f"{store_url(url)}: {error}")


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long replays and imports; the callback takes a count."""
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda count: progress.update(task, completed=count)
