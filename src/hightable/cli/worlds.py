"""Stored worlds from the command line: create, command, read the log, verify, fork, move."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer
import yaml

from hightable.api.access import new_token
from hightable.api.feed import MAX_SEQ
from hightable.cli.app import StoreOption, app, fail, one_line, out, progress_bar, service_for
from hightable.cli.files import MAX_COMMAND_FILE_BYTES, MAX_IMPORT_BYTES, read_bounded
from hightable.core import Accepted, Outcome, Refusal, State, to_dict
from hightable.core.dossier import ENVELOPE
from hightable.core.instants import InstantError, parse_instant
from hightable.service import WorldService
from hightable.stories.loader import plain

world_app = typer.Typer(help="Create and list the worlds of a store.", no_args_is_help=True)
app.add_typer(world_app, name="world")

MAX_FILE_COMMANDS = 100_000


@world_app.command("new")
def world_new(
    world: Annotated[str, typer.Argument(help="The new world's id (a slug).")],
    start: Annotated[str, typer.Option(help="Its first instant, e.g. 2019-05-17T17:00:00Z.")],
    store: StoreOption = None,
) -> None:
    """Create a world (WORLD-1)."""
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
    with service_for(store) as service:
        for summary in service.store.worlds():
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
        if service.store.head(world) is None:
            fail(f"ID-3: no world {world!r} in this store", code=1)
        holder = member or "table"
        state = service.state(world)
        if member is not None and (isinstance(state, Refusal) or member not in state.members):
            fail(f"ID-3: no member {member!r} in {world}", code=1)
        token, token_hash = new_token(world)
        service.store.save_token(world, token_hash, holder)
        if public is not None:
            service.store.set_public(world, public)
    out.print(token)


@app.command("do")
def do_command(
    world: Annotated[str, typer.Argument(help="The world's id.")],
    command: Annotated[str | None, typer.Argument(help="The command, e.g. transfer.")] = None,
    fields: Annotated[
        list[str] | None, typer.Argument(metavar="KEY=VALUE...", help="Its fields.")
    ] = None,
    by: Annotated[str | None, typer.Option(help="The actor: table or a member id.")] = None,
    at: Annotated[
        str | None, typer.Option(help="The command's instant (default: the world's clock).")
    ] = None,
    cid: Annotated[
        str | None, typer.Option(help="A command id, for safe retries (IDEM-1).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option(help="Many commands: a YAML list or JSON lines.")
    ] = None,
    atomic: Annotated[bool, typer.Option(help="With --file: all accepted, or none.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Outcomes as JSON lines.")] = False,
    store: StoreOption = None,
) -> None:
    """Send commands to a stored world; exit 1 if any was refused."""
    if (file is None) == (command is None):
        fail("name a COMMAND with its KEY=VALUE fields, or give --file")
    try:
        at = parse_instant(at) if at is not None else None
    except InstantError as error:
        fail(f"--at: {error}")
    with service_for(store) as service:
        state = service.state(world)
        if isinstance(state, Refusal):
            fail(str(state), code=1)
        defaults = {"by": by, "at": at or default_at(service, world, state, cid), "cid": cid}
        if file is not None:
            raws = [{**_present(defaults, "by", "at"), **raw} for raw in read_commands(file)]
        else:
            raws = [
                {
                    **_present(defaults, "by", "at", "cid"),
                    "do": command,
                    **parse_fields(fields or []),
                }
            ]
        batch = service.execute_batch(world, raws, atomic=atomic)
        refused = 0
        for raw, outcome in zip(raws, batch.outcomes, strict=True):
            refused += isinstance(outcome, Refusal)
            report(service, world, raw, outcome, as_json)
    if not batch.applied:
        out.print("nothing was applied: the batch is atomic and a command was refused")
    raise typer.Exit(1 if refused else 0)


def default_at(service: WorldService, world: str, state: State, cid: str | None) -> str:
    """`--at` left out: the world's clock, or, for a retry of a command already stored under
    this cid, its own instant, so that the retry is the same command (IDEM-1)."""
    known = state.cids.get(cid) if cid is not None else None
    if known is None:
        return state.clock
    first = next(service.log(world, known.first_seq - 1, limit=1), None)
    return first.at if first is not None else state.clock


def _present(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: values[name] for name in names if values[name] is not None}


def parse_fields(pairs: list[str]) -> dict[str, Any]:
    """key=value pairs; each value is read as YAML (5 is a number, [a, b] a list, x text)."""
    fields: dict[str, Any] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            fail(f"{pair[:80]!r}: fields are written key=value")
        try:
            fields[key] = plain(yaml.safe_load(value)) if value else ""
        except yaml.YAMLError:
            fields[key] = value
        except (ValueError, RecursionError) as error:
            fail(f"{key[:80]}: the value cannot be read: {unreadable(error)}")
    return fields


def unreadable(error: ValueError | RecursionError) -> str:
    """Why Python could not build a value: too many digits, or nested too deeply."""
    if isinstance(error, RecursionError):
        return "it is nested too deeply"
    return str(error).split(";")[0]  # "Exceeds the limit (4300 digits) for integer ..."


def read_commands(file: Path) -> list[dict[str, Any]]:
    """Commands from a YAML list or from JSON lines."""
    try:
        text = read_bounded(file, MAX_COMMAND_FILE_BYTES, "--file").decode("utf-8")
    except UnicodeDecodeError as error:
        fail(f"--file: {file}: not UTF-8 text (byte {error.start})")
    kind = "JSON lines" if file.suffix == ".jsonl" else "YAML"
    try:
        if file.suffix == ".jsonl":
            commands = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            commands = plain(yaml.safe_load(text))
    except (ValueError, yaml.YAMLError) as error:  # JSONDecodeError is a ValueError
        fail(f"--file: {file}: not valid {kind}: {one_line(error)}")
    except RecursionError:
        fail(f"--file: {file}: not valid {kind}: nested too deeply")
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        fail(f"{file}: a list of commands, each a mapping")
    if len(commands) > MAX_FILE_COMMANDS:
        fail(f"{file}: more than {MAX_FILE_COMMANDS} commands; split the file")
    return commands


def report(service: Any, world: str, raw: dict[str, Any], outcome: Outcome, as_json: bool) -> None:
    if isinstance(outcome, Refusal):
        if as_json:
            out.print_json(data={"do": raw.get("do"), "refused": msgspec.to_builtins(outcome)})
        else:
            out.print(
                f"refused  {raw.get('do')}: {outcome.rule} ({outcome.title}): {outcome.message}"
            )
        return
    events = service.events_of(world, outcome)
    if as_json:
        out.print_json(data={"do": raw.get("do"), "accepted": [to_dict(e) for e in events]})
        return
    replay = " (a retry: the first outcome)" if not isinstance(outcome, Accepted) else ""
    out.print(f"accepted {raw.get('do')}{replay}")
    for event in events:
        details = " ".join(f"{k}={v}" for k, v in to_dict(event).items() if k not in ENVELOPE)
        out.print(f"  {event.seq:>6}  {event.at}  {event.type}  {details}".rstrip())


@app.command("log")
def log_command(
    world: Annotated[str, typer.Argument(help="The world's id.")],
    from_seq: Annotated[
        int, typer.Option("--from", min=0, max=MAX_SEQ, help="The first seq to show.")
    ] = 1,
    limit: Annotated[
        int | None, typer.Option(min=0, max=MAX_SEQ, help="At most this many events.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Each event as a JSON line.")] = False,
    store: StoreOption = None,
) -> None:
    """The events of a world, in order."""
    with service_for(store) as service:
        if service.store.head(world) is None:
            fail(f"ID-3: no world {world!r} in this store", code=1)
        for event in service.log(world, after=max(0, from_seq - 1), limit=limit):
            if as_json:
                sys.stdout.write(json.dumps(to_dict(event), ensure_ascii=False) + "\n")
            else:
                out.print(f"{event.seq:>6}  {event.at}  {event.type:<26} by {event.by}")


@app.command("verify")
def verify_command(
    world: Annotated[str, typer.Argument(help="The world's id.")], store: StoreOption = None
) -> None:
    """CHAIN-1: recompute the hash chain; name the first event whose bytes or order changed."""
    with service_for(store) as service:
        head = service.store.head(world)
        with progress_bar("verifying", head.seq if head else None) as progress:
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
    try:
        instant = parse_instant(at)
    except InstantError as error:
        fail(f"--at: {error}")
    with service_for(store) as service:
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
    with service_for(store) as service:
        if service.store.head(world) is None:
            fail(f"ID-3: no world {world!r} in this store", code=1)
        try:
            sink = output.open("wb") if output else sys.stdout.buffer
        except OSError as error:
            fail(f"--out: {output}: {error.strerror or error}")
        try:
            for body in service.export(world):
                sink.write(body + b"\n")
        except BrokenPipeError:
            raise  # the reader of standard output went away: click leaves quietly
        except OSError as error:  # a full disk, say
            fail(f"--out: {output or 'standard output'}: {error.strerror or error}")
        finally:
            if output:
                sink.close()


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="JSON lines, as export writes them.")],
    as_world: Annotated[
        str | None, typer.Option("--as", help="The world's id (default: the file's).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Create a world from an exported log, replaying it to check it."""
    lines = read_bounded(file, MAX_IMPORT_BYTES, "FILE").splitlines()
    with service_for(store) as service, progress_bar("importing", len(lines)) as progress:
        imported = service.import_lines(as_world, lines, progress)
    if isinstance(imported, Refusal):
        fail(str(imported), code=1)
    out.print(f"imported {imported.seq} events")
