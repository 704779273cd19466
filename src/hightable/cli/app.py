"""The Typer application, its consoles, and the shell's ways of failing clearly.

Exit codes (README): 0 done, 1 a refusal, 2 a usage error, 3 a corrupt log, 4 a failing store,
5 any other failure, 6 a server that cannot listen (its port in use). Whatever happens, the shell
sees one line, never a traceback.

Only what every command needs is imported here: the store, the service and the web stack are
imported by the commands that use them, so that `hightable rules` starts at once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.text import Text
from typer._click import Context
from typer._click.exceptions import ClickException  # typer's own click, which it raises
from typer._coercion import PassThroughRuntimeParam
from typer.core import TyperGroup

from hightable.cli.consoles import err, out
from hightable.errors import Corrupt, HightableError

if TYPE_CHECKING:
    from hightable.service import WorldService

REFUSED, USAGE, CORRUPT, STORE_FAILED, FAILED, LISTEN_FAILED = 1, 2, 3, 4, 5, 6


class Guarded(TyperGroup):
    """The root command: arguments must be text, and no exception reaches the shell."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        for number, argument in enumerate(sys.argv[1:] if args is None else args):
            if not is_text(argument):  # refused here, before click: so no exception to catch
                err.print(Text.assemble(("error:", "red"), " ", not_text(number + 1, argument)))
                sys.exit(USAGE)
        text_as_given(self)
        return super().main(args, *rest, **extra)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except Corrupt as error:
            fail(f"the log is corrupt: {error}", CORRUPT)
        except HightableError as error:
            fail(f"the store failed: {one_line(error)}", STORE_FAILED)
        except BrokenPipeError:
            raise  # the reader went away (`| head`): click leaves quietly
        except Exception as error:
            fail(f"unexpected failure: {type(error).__name__}: {one_line(error)}", FAILED)


def text_as_given(command: Any) -> None:
    """typer checks each parameter with a pydantic adapter built on first use, a tenth of a
    second of imports before any command runs; text and flags need no check: click gives them
    as they are (a str, a bool)."""
    helper = command.get_help_option(Context(command))  # made on first use: make it now
    for param in [*command.params, *([helper] if helper is not None else [])]:
        descriptor = getattr(param, "type_descriptor", None)
        if (
            descriptor is not None
            and descriptor.annotation in (str, bool)
            and descriptor.parameter_info.parser is None
            and getattr(param, "_runtime_param", False) is None
        ):
            kind = descriptor.annotation
            param._runtime_param = PassThroughRuntimeParam(descriptor.parameter_info, kind)
    for subcommand in getattr(command, "commands", {}).values():
        text_as_given(subcommand)


def is_text(argument: str) -> bool:
    """Valid UTF-8: Python keeps the bytes of any other argument as lone surrogates."""
    try:
        argument.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def not_text(number: int, argument: str) -> str:
    try:  # the argument's own bytes, escaped where they are no UTF-8
        shown = argument.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        shown = ascii(argument)[1:-1]
    return f"argument {number}, {shown[:80]}, is not UTF-8 text"


def one_line(error: BaseException) -> str:
    lines = str(error).splitlines()
    return lines[0][:300] if lines else ""


app = typer.Typer(
    cls=Guarded,
    help="hightable: the rules-as-code engine and ledger of the High Table.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain click help and errors: no text is read as markup, and no box cuts a message in lines.
    rich_markup_mode=None,
)


def show_version(asked: bool) -> None:
    if asked:
        from hightable import __version__

        out.print(f"hightable {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """hightable: the rules-as-code engine and ledger of the High Table."""


StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="sqlite:///PATH, postgresql://... (several, comma-joined: shards); default"
        " $HIGHTABLE_STORE or sqlite:///hightable.db",
    ),
]


def fail(message: str, code: int = USAGE) -> NoReturn:
    err.print(Text.assemble(("error:", "red"), " ", message))
    raise typer.Exit(code)


def must_hold(service: WorldService, world: str) -> None:
    """Exit 1 with the refusal (ID-3) when the store holds no such world."""
    missing = service.world_refusal(world)
    if missing is not None:
        fail(str(missing), code=1)


@contextmanager
def service_for(url: str | None, world: str | None = None) -> Iterator[WorldService]:
    """The worlds of a store, with its failures turned into clear errors (no traceback); a long
    replay of `world` shows a bar with its total."""
    from hightable.cli.progress import progress_bar
    from hightable.service import WorldService
    from hightable.store import open_store

    try:
        store = open_store(url)
    except HightableError as error:  # a URL of no store, or one that cannot be opened
        fail(one_line(error))  # the store's error names it (without its password)
    try:
        with store, progress_bar("replaying", None) as meter:
            service = WorldService(store, progress=meter)
            if world is not None:
                meter.expect(service.head_seq(world))
            yield service
    except Corrupt as error:
        fail(f"the log is corrupt: {error}", CORRUPT)
    except HightableError as error:
        fail(f"the store failed: {one_line(error)}", STORE_FAILED)


__all__ = ["err", "out"]
