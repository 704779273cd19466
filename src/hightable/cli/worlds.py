"""Stored worlds from the command line: create, list, tokens, read the log, verify, fork, move."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from hightable.cli.app import StoreOption, app, fail, must_hold, out, service_for
from hightable.cli.files import read_bounded
from hightable.limits import import_bytes_max, seq_max

world_app = typer.Typer(help="Create and list the worlds of a store.", no_args_is_help=True)
app.add_typer(world_app, name="world")


@world_app.command("new")
def world_new(
    world: Annotated[str, typer.Argument(help="The new world's id (a slug).")],
    start: Annotated[str, typer.Option(help="Its first instant, e.g. 2019-05-17T17:00:00Z.")],
    store: StoreOption = None,
) -> None:
    """Create a world (WORLD-1)."""
    from hightable.core import Refusal
    from hightable.core.instants import InstantError, parse_instant

    try:
        instant = parse_instant(start)
    except InstantError as error:
        fail(f"--start: {error}")
    with service_for(store) as service:
        created = service.create(world, instant)
    if isinstance(created, Refusal):
        fail(str(created), code=1)
    out.print(f"world {world} created, its clock at {created.at}")


@world_app.command("list")
def world_list(store: StoreOption = None) -> None:
    """The worlds of a store, with their size and clock."""
    from hightable.store import safe_url, store_url

    with service_for(store) as service:
        summaries = service.worlds()
        if not summaries:
            where = safe_url(store_url(store))
            out.print(f"no world in {where}; `hightable world new` creates one")
        for summary in summaries:
            out.print(
                f"{summary.world:<24} {summary.events:>9} events"
                f"  {summary.start} .. {summary.clock}"
            )


@world_app.command("token")
def world_token(
    world: Annotated[str, typer.Argument(help="The world's id.")],
    member: Annotated[
        str | None, typer.Option(help="A member the token acts as (default: the table).")
    ] = None,
    public: Annotated[
        bool | None, typer.Option("--public/--private", help="Also open or close it to readers.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Issue a token for the HTTP API and the page (shown once; only its hash is kept)."""
    with service_for(store) as service:
        missing = service.world_refusal(world)
        if missing is None and member is not None:
            missing = service.member_refusal(world, member)
        if missing is not None:
            fail(str(missing), code=1)
        token = service.issue_token(world, member or "table")
        if public is not None:
            service.set_public(world, public)
    out.print(token)


@app.command("log")
def log_command(
    world: Annotated[str, typer.Argument(help="The world's id.")],
    from_seq: Annotated[
        int, typer.Option("--from", min=0, max=seq_max, help="The first seq to show.")
    ] = 1,
    limit: Annotated[
        int | None, typer.Option(min=0, max=seq_max, help="At most this many events.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Each event as a JSON line.")] = False,
    store: StoreOption = None,
) -> None:
    """The events of a world, in order."""
    from hightable.core import Refusal, to_dict
    from hightable.sentences import scene, sentence

    with service_for(store) as service:
        must_hold(service, world)
        now = service.state(world)
        for event in service.log(world, after=max(0, from_seq - 1), limit=limit):
            fields = to_dict(event)
            if as_json:
                sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
            elif isinstance(now, Refusal):
                out.print(f"{event.seq:>6}  {event.at}  {event.type:<26} by {event.by}")
            else:
                said = sentence(fields, now) + (f"  ({scene(event.note)})" if event.note else "")
                out.print(f"{event.seq:>6}  {event.at}  {said}")


@app.command("verify")
def verify_command(
    world: Annotated[str, typer.Argument(help="The world's id.")], store: StoreOption = None
) -> None:
    """CHAIN-1: recompute the hash chain; name the first event whose bytes or order changed."""
    from hightable.cli.progress import progress_bar
    from hightable.core import Refusal

    with service_for(store) as service:
        with progress_bar("verifying", service.head_seq(world)) as progress:
            verdict = service.verify(world, progress)
    if isinstance(verdict, Refusal):
        fail(str(verdict), code=1)
    if not verdict.ok:
        out.print(f"CHAIN-1: broken at seq {verdict.bad_seq}: {verdict.problem}")
        raise typer.Exit(1)
    out.print(f"CHAIN-1: {verdict.events} events verified; head {verdict.head}")


@app.command("fork")
def fork_command(
    world: Annotated[str, typer.Argument(help="The world to branch from.")],
    new: Annotated[str, typer.Argument(help="The new world's id.")],
    at: Annotated[str, typer.Option(help="Keep the log up to this instant.")],
    store: StoreOption = None,
) -> None:
    """A what-if branch: a new world holding the log up to an instant."""
    from hightable.core import Refusal
    from hightable.core.instants import InstantError, parse_instant

    try:
        instant = parse_instant(at)
    except InstantError as error:
        fail(f"--at: {error}")
    with service_for(store, world) as service:
        forked = service.fork(world, new, instant)
    if isinstance(forked, Refusal):
        fail(str(forked), code=1)
    out.print(f"world {new} forked from {world} at {instant} ({forked.seq} events)")


@app.command("export")
def export_command(
    world: Annotated[str, typer.Argument(help="The world's id.")],
    output: Annotated[
        Path | None, typer.Option("--out", help="A file; default: standard output.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """A world's log as JSON lines, the exact bytes the chain seals."""
    from hightable.cli.progress import progress_bar

    with service_for(store) as service:
        must_hold(service, world)
        try:
            sink = output.open("wb") if output else sys.stdout.buffer
        except OSError as error:
            fail(f"--out: {output}: {error.strerror or error}")
        written = 0
        try:
            with progress_bar("exporting", service.head_seq(world)) as meter:
                for written, body in enumerate(service.export(world), start=1):
                    sink.write(body + b"\n")
                    if written % 1_000 == 0:
                        meter(written)
                meter(written)
        except BrokenPipeError:
            raise  # the reader of standard output went away: click leaves quietly
        except OSError as error:  # a full disk, say
            fail(f"--out: {output or 'standard output'}: {error.strerror or error}")
        finally:
            if output:
                sink.close()
    if output:
        out.print(f"exported {written} events of {world} to {output}")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="JSON lines, as export writes them.")],
    as_world: Annotated[
        str | None, typer.Option("--as", help="The world's id (default: the file's).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Create a world from an exported log, replaying it to check it."""
    from hightable.cli.progress import progress_bar
    from hightable.core import Refusal

    lines = read_bounded(file, import_bytes_max, "FILE").splitlines()
    with service_for(store) as service, progress_bar("importing", len(lines)) as progress:
        imported = service.import_lines(as_world, lines, progress)
    if isinstance(imported, Refusal):
        fail(str(imported), code=1)
    out.print(f"imported {imported.seq} events")
