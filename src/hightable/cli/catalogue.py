"""`hightable commands [NAME]` and `hightable schema story`: what a client or an editor can rely
on, read from the core's registry (catalogue.py, schemas.py; imported only when asked)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Literal

import typer

from hightable.cli.app import app, fail, out


@app.command("commands")
def commands_command(
    name: Annotated[str | None, typer.Argument(help="One command, in full.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="For machines, with schemas.")] = False,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="docs/commands.md, as generated.")
    ] = False,
) -> None:
    """The catalogue of commands: fields, types and limits, who may issue each, the rules that
    can refuse it, and an example."""
    from hightable.catalogue import as_json as catalogue_json
    from hightable.catalogue import as_markdown, as_text, catalogue
    from hightable.core.suggest import did_you_mean

    entries = catalogue()
    if name is not None:
        entries = [each for each in entries if each.do == name]
        if not entries:
            names = [each.do for each in catalogue()]
            hint = did_you_mean(name, names)
            fail(f"no command {name[:80]!r}{hint} (hightable commands lists them)")
    if as_json:
        sys.stdout.write(json.dumps(catalogue_json(entries), indent=2) + "\n")
    elif markdown:
        sys.stdout.write(as_markdown(entries))
    elif name is not None:
        out.print("\n".join(as_text(entries[0])))
    else:
        width = max(len(each.do) for each in entries)
        for each in entries:
            out.print(f"{each.do.ljust(width)}  {each.who}")


@app.command("schema")
def schema_command(
    what: Annotated[
        Literal["story", "commands"],
        typer.Argument(help="story: a story file; commands: one command, by `do`."),
    ],
) -> None:
    """Print a JSON Schema: of a story file (for YAML editors), or of a command."""
    from hightable.schemas import DRAFT, command_schemas, command_union, story_schema

    if what == "story":
        schema = story_schema()
    else:
        names, defs = command_schemas()
        union = command_union(names)
        union.pop("discriminator")
        schema = {"$schema": DRAFT, "title": "A hightable command", **union, "$defs": defs}
    sys.stdout.write(json.dumps(schema, indent=2) + "\n")
