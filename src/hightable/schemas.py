"""JSON Schemas read from the core's registry of commands (`core.COMMANDS`), never written by
hand: one per command (the catalogue and the OpenAPI), and the story format (`hightable schema
story`). They describe; the core still judges every command (CMD-1, ID-1).
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import msgspec

from hightable.core import COMMANDS, RULES
from hightable.core.commands import SLUG_SCHEMA
from hightable.core.instants import INSTANT_PATTERN, STEP_TIME_PATTERN
from hightable.limits import story_steps_max

Schema = dict[str, Any]
DRAFT = "https://json-schema.org/draft/2020-12/schema"
DEFS = "#/$defs/{name}"


@cache
def _components(ref_template: str) -> tuple[dict[str, str], dict[str, Schema]]:
    classes = [spec.cls for spec in COMMANDS.values()]
    refs, components = msgspec.json.schema_components(classes, ref_template=ref_template)
    names = {do: ref["$ref"].rpartition("/")[2] for do, ref in zip(COMMANDS, refs, strict=True)}
    for do, name in names.items():  # one value: a constant, and a client's literal
        components[name]["properties"]["do"] = {"const": do}
    return names, components


def command_schemas(ref_template: str = DEFS) -> tuple[dict[str, str], dict[str, Schema]]:
    """Each command's schema name by its `do`, and every schema they need (theirs and the
    types inside them, as `DuelTerms`), with references written by `ref_template`."""
    names, components = _components(ref_template)
    return dict(names), copy.deepcopy(components)


def command_union(names: dict[str, str], ref_template: str = DEFS) -> Schema:
    """One of the commands, told apart by `do`."""
    refs = {do: ref_template.format(name=name) for do, name in names.items()}
    return {
        "oneOf": [{"$ref": ref} for ref in refs.values()],
        "discriminator": {"propertyName": "do", "mapping": refs},
    }


def rule_ids() -> list[str]:
    """Every rule ID a refusal may name (docs/rules.md)."""
    return sorted(RULES)


STEP_AT: Schema = {
    "type": "string",
    "pattern": STEP_TIME_PATTERN,
    "description": "An instant, or +N followed by s, m, h or d after the step before; "
    "without it, a minute after the step before.",
}
EXPECT: Schema = {
    "description": "ok (the default), or the rule that refuses the step.",
    "oneOf": [
        {"const": "ok"},
        {"type": "null"},
        {
            "type": "object",
            "properties": {"refused": {"enum": rule_ids()}},
            "required": ["refused"],
            "additionalProperties": False,
        },
    ],
}
CHECK: Schema = {
    "type": "object",
    "description": "Expected values of the view, by dotted path (members.john.balance: 5).",
    "properties": {"check": {"type": "object", "minProperties": 1}},
    "required": ["check"],
    "additionalProperties": False,
}
# A step expected to be refused as malformed shows a malformed command: any shape will do.
MALFORMED: Schema = {
    "type": "object",
    "required": ["do", "expect"],
    "properties": {
        "expect": {
            "type": "object",
            "properties": {"refused": {"enum": ["CMD-1", "ID-1"]}},
            "required": ["refused"],
        }
    },
}


def story_schema() -> Schema:
    """The JSON Schema of a story file (§15, stories/loader.py): each command step is the
    command's own schema, with `at` optional (relative or absolute) and `expect`."""
    names, defs = command_schemas()
    for name in names.values():
        step = defs[name]
        step["properties"]["at"] = STEP_AT
        step["properties"]["expect"] = EXPECT
        step["required"] = [field for field in step["required"] if field != "at"]
    defs |= {"Check": CHECK, "Malformed": MALFORMED, "Command": command_union(names)}
    defs["Command"].pop("discriminator")  # an OpenAPI word; JSON Schema tells by `do` alone
    return {
        "$schema": DRAFT,
        "title": "A hightable story",
        "description": "A world played step by step, with what must happen (docs/rules.md §15).",
        "type": "object",
        "properties": {
            # YAML reads `story: 1984` and `world: 2019` as numbers; the loader plays their text.
            "story": {"type": ["string", "number"], "description": "What the story shows."},
            "start": {
                "type": "string",
                "pattern": INSTANT_PATTERN,
                "description": "The world's first instant (UTC).",
            },
            "world": {
                "type": ["string", "integer"],
                "minimum": 1,
                "description": "A slug id (ID-1).",
                **SLUG_SCHEMA,
            },
            "steps": {
                "type": "array",
                "maxItems": story_steps_max,
                "items": {"anyOf": [{"$ref": f"#/$defs/{n}"} for n in STEP_KINDS]},
            },
        },
        "required": ["story", "start", "steps"],
        "additionalProperties": False,
        "$defs": defs,
    }


STEP_KINDS = ("Check", "Command", "Malformed")
