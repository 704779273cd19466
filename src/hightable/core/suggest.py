"""Words for a CMD-1 refusal: the name the sender probably meant, and the values a field takes.

Every door (the command line, stories, HTTP) parses commands with the core, so a mistyped
command or field is answered here, once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from msgspec import inspect

from hightable.limits import suggested_word_length_max


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`; did you mean mint?` for the closest of `choices`, or nothing if none is close."""
    if not isinstance(word, str) or len(word) > suggested_word_length_max:
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def struct_at(cls: type, path: str) -> inspect.StructType | None:
    """The struct a dotted path of fields leads to from `cls` (`terms` of a duel: DuelTerms)."""
    info: inspect.Type | None = inspect.type_info(cls)
    for name in filter(None, path.split(".")):
        struct = _struct(info)
        field = next((f for f in struct.fields if f.encode_name == name), None) if struct else None
        info = field.type if field else None
    return _struct(info)


def field_names(cls: type, path: str) -> list[str]:
    struct = struct_at(cls, path)
    return [field.encode_name for field in struct.fields] if struct else []


def allowed_values(cls: type, path: str) -> list[object]:
    """The values of the Literal field at `path` (`service`: room, doctor, ...), or none."""
    parent, _, name = path.rpartition(".")
    struct = struct_at(cls, parent)
    field = next((f for f in struct.fields if f.encode_name == name), None) if struct else None
    if field is None:
        return []
    options = field.type.types if isinstance(field.type, inspect.UnionType) else (field.type,)
    return [v for t in options if isinstance(t, inspect.LiteralType) for v in t.values]


def _struct(info: inspect.Type | None) -> inspect.StructType | None:
    if isinstance(info, inspect.UnionType):
        info = next((t for t in info.types if isinstance(t, inspect.StructType)), None)
    return info if isinstance(info, inspect.StructType) else None
