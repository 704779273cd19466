"""Every command's fields, read from its type: a base that parses, and a way to vary one field.

The edge tests build on these, so that a command added later is fuzzed without being listed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from msgspec import inspect, structs

from hightable.core import COMMANDS

AT = "2019-05-17T18:00:00Z"
Build = Callable[[Any], dict[str, Any]]


def base_value(name: str, kind: Any, instants: tuple[str, ...]) -> Any:
    """A value of the field's type that parses, so that only the fuzzed field is in doubt."""
    if isinstance(kind, inspect.UnionType):
        inner = next(t for t in kind.types if type(t) is not inspect.NoneType)
        return base_value(name, inner, instants)
    simple = {
        inspect.IntType: 1,
        inspect.BoolType: False,
        inspect.ListType: [],
        inspect.StructType: {},
    }
    if type(kind) in simple:
        return simple[type(kind)]
    if isinstance(kind, inspect.LiteralType):
        return kind.values[0]
    return AT if name in instants else "x"


def is_text(kind: Any) -> bool:
    if isinstance(kind, inspect.UnionType):
        return any(isinstance(t, inspect.StrType) for t in kind.types)
    return isinstance(kind, inspect.StrType)


def bare(kind: Any) -> Any:
    """The type without its annotations (a description is `Metadata` around the type)."""
    if isinstance(kind, inspect.Metadata):
        return bare(kind.type)
    if isinstance(kind, inspect.UnionType):
        return inspect.UnionType(tuple(bare(t) for t in kind.types))
    return kind


def fields_of(do: str) -> list[Any]:
    fields = inspect.type_info(COMMANDS[do].cls).fields
    return [structs.replace(field, type=bare(field.type)) for field in fields]


def base_command(do: str) -> dict[str, Any]:
    """A command of this kind that parses."""
    instants = COMMANDS[do].instant_fields
    base = {f.encode_name: base_value(f.name, f.type, instants) for f in fields_of(do)}
    return {**base, "do": do}


def varied(do: str, name: str) -> Build:
    """A builder of the command with one field set to the value it is given."""
    base = base_command(do)
    return lambda value: {**base, name: value}


def fields_where(test: Callable[[Any], bool]) -> list[tuple[str, str, Build]]:
    """(command, field, build) for every field of every command whose type passes the test."""
    return [
        (do, item.encode_name, varied(do, item.encode_name))
        for do in COMMANDS
        for item in fields_of(do)
        if test(item.type)
    ]


def text_fields() -> list[tuple[str, str, Build]]:
    """(command, path, build): every string field of every command, and the nested ones."""
    cases = fields_where(is_text)
    nested: list[tuple[str, str, Build]] = [
        ("offer_terms", "grants[0].admit", lambda t: {"grants": [{"admit": t}]}),
        (
            "offer_terms",
            "grants[0].restore_manager.member",
            lambda t: {"grants": [{"restore_manager": {"hotel": "h", "member": t}}]},
        ),
        ("offer_terms", "requires[0].eliminate", lambda t: {"requires": [{"eliminate": t}]}),
        (
            "sanction_duel",
            "terms.challenged_wins[0].consecrate",
            lambda t: {"terms": {"challenged_wins": [{"consecrate": t}]}},
        ),
        ("resolve_duel", "fallen[1]", lambda t: {"fallen": ["x", t]}),
    ]
    for do, path, inner in nested:
        base = base_command(do)
        cases.append((do, path, lambda text, base=base, inner=inner: {**base, **inner(text)}))
    return cases


TEXT_FIELDS = text_fields()
