"""`hightable do`: commands to a stored world, one given as KEY=VALUE fields or many from a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hightable.cli.app import StoreOption, app, fail, one_line, out, service_for
from hightable.cli.files import read_bounded
from hightable.limits import command_file_bytes_max, file_commands_max

if TYPE_CHECKING:
    from hightable.core import Outcome, State
    from hightable.service import WorldService


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
    from hightable.core import Refusal
    from hightable.core.instants import InstantError, parse_instant

    if (file is None) == (command is None):
        fail("name a COMMAND with its KEY=VALUE fields, or give --file")
    try:
        at = parse_instant(at) if at is not None else None
    except InstantError as error:
        fail(f"--at: {error}")
    with service_for(store, world) as service:
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


def _present(values: dict[str, str | None], *names: str) -> dict[str, str]:
    return {name: value for name in names if (value := values[name]) is not None}


def parse_fields(pairs: list[str]) -> dict[str, object]:
    """key=value pairs; each value is read as YAML (5 is a number, [a, b] a list, x text)."""
    import yaml

    from hightable.stories.loader import plain

    fields: dict[str, object] = {}
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


def read_commands(file: Path) -> list[dict[str, object]]:
    """Commands from a YAML list or from JSON lines."""
    import yaml

    from hightable.stories.loader import plain

    try:
        text = read_bounded(file, command_file_bytes_max, "--file").decode("utf-8")
    except UnicodeDecodeError as error:
        fail(f"--file: {file}: not UTF-8 text (byte {error.start})")
    kind = "JSON lines" if file.suffix == ".jsonl" else "YAML"
    commands: object
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
    if len(commands) > file_commands_max:
        fail(f"{file}: more than {file_commands_max} commands; split the file")
    return commands


def report(
    service: WorldService, world: str, raw: dict[str, object], outcome: Outcome, as_json: bool
) -> None:
    import msgspec

    from hightable.core import Accepted, Refusal, to_dict
    from hightable.core.dossier import ENVELOPE
    from hightable.sentences import sentence

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
    now = service.state(world)
    for event in events:
        fields = to_dict(event)
        if isinstance(now, Refusal):
            said = " ".join(f"{k}={v}" for k, v in fields.items() if k not in ENVELOPE)
        else:
            said = sentence(fields, now)
        out.print(f"  {event.seq:>6}  {event.at}  {said}".rstrip())
