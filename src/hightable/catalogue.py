"""The catalogue of commands (`hightable commands`, docs/commands.md), read from the core.

For each command: its fields with their types and limits (its JSON Schema, `schemas.py`), who
may issue it (its authority's first line), the rules that can refuse it (`stories.reach`,
which reads them from the handler's code), and an example that the core parses.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

from msgspec import inspect

from hightable.core import COMMANDS, RULES
from hightable.core.authority import the_table
from hightable.core.commands import SLUG_PATTERN
from hightable.core.state import TABLE
from hightable.limits import id_length_max
from hightable.schemas import Schema, command_schemas
from hightable.stories.reach import rules_of

FORMAT = 1  # the version of the --json shape
START = "2019-05-17T17:00:00Z"
LATER = "2019-05-18T17:00:00Z"
# An example id for each kind of object a field names (ID-3) or creates (ID-2).
EXAMPLE_IDS = {
    "member": "winston",
    "account": "winston",
    "hotel": "continental",
    "family": "ruska-roma",
    "contract": "c-john",
    "marker": "m-santino",
    "duel": "d-harbinger",
    "terms": "t-fealty",
    "parlay": "p-caine",
    "alliance": "a-sofia",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool


@dataclass(frozen=True)
class Entry:
    do: str
    who: str
    fields: list[Field]
    rules: list[str]
    example: dict[str, object]
    schema: Schema

    def as_dict(self) -> dict[str, Any]:
        return {
            "do": self.do,
            "who": self.who,
            "fields": [vars(field) for field in self.fields],
            "rules": self.rules,
            "example": self.example,
            "schema": self.schema,
        }


def catalogue() -> list[Entry]:
    """Every command, by name."""
    names, schemas = command_schemas()
    return [entry(do, schemas[names[do]], schemas) for do in sorted(COMMANDS)]


def entry(do: str, schema: Schema, schemas: dict[str, Schema]) -> Entry:
    required = set(schema["required"])
    fields = [
        Field(name, type_text(value, schemas), name in required)
        for name, value in schema["properties"].items()
        if name != "do"
    ]
    rules = sorted(rules_of(do), key=list(RULES).index)  # in the rulebook's order
    return Entry(do, who_may(do), fields, rules, example(do), schema)


def who_may(do: str) -> str:
    """The first line of the command's authority: the table, a member, an officer..."""
    doc = COMMANDS[do].authority.__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else "(undocumented)"


def type_text(schema: Schema, schemas: dict[str, Schema]) -> str:
    """A field's type in a few words, with its limits: `a text, up to 2,000 characters`."""
    if "$ref" in schema:
        inner = schemas[schema["$ref"].rpartition("/")[2]]
        parts = [
            f"{name}: {type_text(value, schemas)}" for name, value in inner["properties"].items()
        ]
        return "a mapping of " + "; ".join(parts)
    if "anyOf" in schema:
        kinds = [type_text(each, schemas) for each in schema["anyOf"] if each.get("type") != "null"]
        return " or ".join(kinds) + " (or null)"
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    text = schema.get("description") or schema.get("type", "any value")
    if schema.get("type") == "array":
        text = f"a list, each {type_text(schema.get('items', {}), schemas)}"
    limits = []
    if "minimum" in schema and "maximum" in schema:
        limits.append(f"from {schema['minimum']:,} to {schema['maximum']:,}")
    if schema.get("pattern") == SLUG_PATTERN:  # an id: the slug says its length too
        limits.append(f"matching `{SLUG_PATTERN}`")
    elif "maxLength" in schema:
        limits.append(f"up to {schema['maxLength']:,} characters")
    if "maxItems" in schema:
        limits.append(f"at most {schema['maxItems']} items")
    return ", ".join([text, *limits])


def example(do: str) -> dict[str, object]:
    """The command with its required fields filled: a shape the core parses."""
    spec = COMMANDS[do]
    kinds = dict(spec.refs) | dict([spec.creates] if spec.creates else [])
    by = TABLE if spec.authority is the_table else "john"
    command: dict[str, object] = {"do": do, "by": by, "at": START}
    struct = inspect.type_info(spec.cls)
    assert isinstance(struct, inspect.StructType)
    for field in struct.fields:
        if field.required and field.name not in command:
            command[field.encode_name] = example_value(field, kinds)
    return command


def example_value(field: inspect.Field, kinds: dict[str, str]) -> object:
    kind = field.type.type if isinstance(field.type, inspect.Metadata) else field.type
    if isinstance(kind, inspect.LiteralType):
        return kind.values[0]
    if isinstance(kind, inspect.IntType):
        return 5
    if isinstance(kind, inspect.BoolType):
        return True
    if isinstance(kind, inspect.ListType):
        return []
    if isinstance(kind, inspect.StructType):
        return {}
    if field.name in ("hour", "deadline"):
        return LATER
    if isinstance(kind, inspect.StrType) and kind.max_length == id_length_max:
        # By the field's own name first: `hotel` of open_hotel creates an account, but a hotel.
        named = EXAMPLE_IDS.get(field.name) or EXAMPLE_IDS.get(kinds.get(field.name, "member"))
        return named or "winston"
    return f"the {field.encode_name}"


def as_json(entries: list[Entry]) -> dict[str, Any]:
    return {"format": FORMAT, "commands": [each.as_dict() for each in entries]}


def cli_form(command: dict[str, object]) -> str:
    """The example as `hightable do` takes it."""
    fields = [
        shlex.quote(f"{name}={value if isinstance(value, str) else json.dumps(value)}")
        for name, value in command.items()
        if name not in ("do", "by", "at")
    ]
    return " ".join(["hightable do WORLD --by", str(command["by"]), str(command["do"]), *fields])


def as_text(each: Entry) -> list[str]:
    """One command, in full, as `hightable commands NAME` shows it."""
    lines = [each.do, f"  who:     {each.who}", "  fields:"]
    lines += [f"    {f.name}{'' if f.required else ' (optional)'}: {f.type}" for f in each.fields]
    lines.append("  refused under:")
    lines += [f"    {rule}  {RULES[rule]}" for rule in each.rules]
    lines += ["  example:", f"    {json.dumps(each.example)}", f"    {cli_form(each.example)}"]
    return lines


def as_markdown(entries: list[Entry]) -> str:
    """docs/commands.md: every command, as `hightable commands --markdown` prints it."""
    out = [
        "# Commands",
        "",
        "Generated by `hightable commands --markdown` from the core's registry of commands: do not",
        "edit by hand (a test fails when this file is not current). `hightable commands NAME`",
        "shows one; `--json` gives the same for machines, with each command's JSON Schema.",
        "Every command also takes `cid` (IDEM-1) and `world` (ID-3), both optional.",
        "",
        "The rules listed for a command are those its own checks can refuse it with, read from",
        "the engine's code. Besides them, a door may refuse any command before it is judged",
        "(ACCESS-1, ACCESS-2 and LIMIT-1 over HTTP), and hightable's own failures refuse",
        "it with nothing stored (STORE-1, FAULT-1, INVARIANT-1), through no fault of its own.",
        "",
        "| command | who may issue it |",
        "| --- | --- |",
        *(f"| [`{e.do}`](#{e.do}) | {e.who} |" for e in entries),
    ]
    for each in entries:
        out += ["", f"## {each.do}", "", f"Who: {each.who}", ""]
        out += ["| field | type |", "| --- | --- |"]
        out += [
            f"| `{f.name}`{'' if f.required else ' (optional)'} | {f.type} |"
            for f in each.fields
            if f.name not in ("cid", "world")
        ]
        out += ["", "Refused under (docs/rules.md): " + ", ".join(each.rules) + ".", ""]
        out += ["```json", json.dumps(each.example), "```"]
    return "\n".join(out) + "\n"
