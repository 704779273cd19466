"""Commands: typed structs tagged by `do`, their registry, and their validation at the edge.

Each chapter module declares its commands here with `@command(...)`: the fields that name
objects (ID-3), the object it creates (ID-2), the members it names as parties (LIFE-1) and who
may issue it (ROLE-1 and §13). `decide` reads these declarations, so the generic rules are
written once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Generic, TypeVar, Union

import msgspec
from msgspec import Meta, structs

from hightable.core.events import Event
from hightable.core.instants import (
    INSTANT_PATTERN,
    InstantError,
    is_canonical,
    parse_instant,
)
from hightable.core.rules import Refusal, refuse
from hightable.core.state import State
from hightable.core.suggest import allowed_values, did_you_mean, field_names
from hightable.core.texts import SHOWN_LENGTH, escaped, first_surrogate_path, shown
from hightable.limits import (
    amount_max,
    id_length_max,
    instant_text_length_max,
    note_length_max,
    text_length_max,
)

if TYPE_CHECKING:
    from hightable.core.engine import Draft

# Limits: a value past them is malformed (CMD-1), not a slow disaster. Every text, at any depth,
# is also Unicode scalar values only (texts.py); a negative amount within the limit is COIN-1.
# Their descriptions are what the catalogue and the schemas say of each type (`hightable
# commands`); the slug of an id is the core's check (ID-1), not the parser's.
# Judged with fullmatch: `$` would let a trailing newline through.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# What a schema says of an id, so that a client checking it sends what ID-1 takes (JSON Schema's
# pattern is searched, hence anchored; its `$` is the very end).
SLUG_PATTERN = f"^{SLUG.pattern}$"
SLUG_SCHEMA: dict[str, Any] = {"pattern": SLUG_PATTERN}
Id = Annotated[
    str,
    Meta(
        max_length=id_length_max,
        description="an id: a slug (ID-1)",
        extra_json_schema=SLUG_SCHEMA,
    ),
]
Text = Annotated[str, Meta(max_length=text_length_max, description="a text")]
Amount = Annotated[int, Meta(ge=-amount_max, le=amount_max, description="a whole number of coins")]
InstantText = Annotated[
    str,
    Meta(
        max_length=instant_text_length_max,
        description="an instant, ISO-8601 (UTC)",
        extra_json_schema={"pattern": INSTANT_PATTERN},
    ),
]
Note = Annotated[str, Meta(max_length=note_length_max, description="a scene: free text")]


class Command(msgspec.Struct, tag_field="do", kw_only=True, forbid_unknown_fields=True):
    """Fields every command carries; `world`, when given, must be the world it is sent to."""

    do: ClassVar[str]  # the command's tag, set when it is registered

    at: InstantText
    by: Id
    cid: Text | None = None
    world: Id | None = None
    note: Note | None = None  # the scene the command is told in, sealed into its first event


# What a command of class C declares: each function takes a C, so that mypy checks a handler
# against the command it is registered for.
C = TypeVar("C", bound=Command)
Authority = Callable[[State, C], Refusal | None]
Nested = Callable[[C], Iterator[tuple[str, str, str]]]
Validate = Callable[[C], str | None]
Handler = Callable[[State, C, "Draft"], list[Event] | Refusal]


@dataclass(frozen=True)
class CommandSpec(Generic[C]):
    """What the engine knows of a command beyond its fields."""

    cls: type[C]
    handler: Handler[C]
    authority: Authority[C]
    refs: dict[str, str] = field(default_factory=dict)  # field -> kind of object it names
    creates: tuple[str, str] | None = None  # (field, kind) of the object it creates
    parties: tuple[str, ...] = ()  # member fields LIFE-1 guards
    instants: tuple[str, ...] = ()  # instant fields besides `at`
    nested: Nested[C] | None = None  # (path, kind, id) of objects named inside values
    validate: Validate[C] | None = None  # CMD-1 checks across fields

    @cached_property
    def id_fields(self) -> tuple[str, ...]:
        """The fields that hold ids (ID-1): the actor, the world, those naming objects and the
        one creating one."""
        return ("by", "world", *self.refs, *(self.creates[:1] if self.creates else ()))

    @cached_property
    def instant_fields(self) -> tuple[str, ...]:
        return ("at", *self.instants)


# Each spec is of its own command's class; `decide` pairs a command with the spec of its `do`.
COMMANDS: dict[str, CommandSpec[Any]] = {}


def command(
    cls: type[C],
    *,
    authority: Authority[C],
    refs: dict[str, str] | None = None,
    creates: tuple[str, str] | None = None,
    parties: tuple[str, ...] = (),
    instants: tuple[str, ...] = (),
    nested: Nested[C] | None = None,
    validate: Validate[C] | None = None,
) -> Callable[[Handler[C]], Handler[C]]:
    """Register a command class and the function that decides it."""

    def register(handler: Handler[C]) -> Handler[C]:
        cls.do = str(cls.__struct_config__.tag)
        COMMANDS[cls.do] = CommandSpec(
            cls, handler, authority, refs or {}, creates, parties, instants, nested, validate
        )
        return handler

    return register


def command_union() -> object:
    return Union[tuple(spec.cls for spec in COMMANDS.values())]  # noqa: UP007


def parse_command(raw: object) -> Command | Refusal:
    """Turn a JSON-like value into a typed command, or refuse it with CMD-1 or ID-1."""
    if not isinstance(raw, dict):
        return refuse("CMD-1", f"a command is a mapping of fields, not {type(raw).__name__}")
    # The command's own type when `do` names one (msgspec learns a struct type once, but a
    # union anew on every call); the union only to word the error of an unknown `do`.
    do = raw.get("do")
    known = COMMANDS.get(do) if isinstance(do, str) else None
    try:
        cmd: Command = msgspec.convert(
            raw, type=known.cls if known else command_union(), strict=True
        )
    except msgspec.ValidationError as error:
        return refuse("CMD-1", describe_error(error, raw))
    except UnicodeEncodeError:  # a field's name that is no UTF-8: msgspec cannot look it up
        return surrogate_refusal(first_surrogate_path(raw) or "a field's name")
    spec = known or COMMANDS[cmd.do]
    refusal = check_texts(cmd)
    if refusal:
        return refusal
    cmd_or_refusal = normalize_instants(cmd, spec)
    if isinstance(cmd_or_refusal, Refusal):
        return cmd_or_refusal
    cmd = cmd_or_refusal
    problem = spec.validate(cmd) if spec.validate else None
    if problem:
        return refuse("CMD-1", problem)
    return check_ids(cmd, spec)


def normalize_instants(cmd: C, spec: CommandSpec[C]) -> C | Refusal:
    """CMD-1: `at` and the command's other instants, each in the canonical form."""
    normalized = {}
    for name in spec.instant_fields:
        value = getattr(cmd, name)
        if value is None or is_canonical(value):
            continue
        try:
            normalized[name] = parse_instant(value)
        except InstantError as error:
            return refuse("CMD-1", f"{name}: {error}")
    return structs.replace(cmd, **normalized) if normalized else cmd


def check_texts(cmd: Command) -> Refusal | None:
    """CMD-1: every text of the command, nested ones too, is Unicode scalar values."""
    try:
        msgspec.json.encode(cmd)  # fast, and fails on the first lone surrogate
        return None
    except Exception:  # the walk below names the field, or finds nothing amiss
        path = first_surrogate_path(cmd)
    return None if path is None else surrogate_refusal(path)


def surrogate_refusal(path: str) -> Refusal:
    return refuse("CMD-1", f"{path}: holds a lone surrogate, which is no Unicode character")


@lru_cache(maxsize=65_536)  # a shard names the same members again and again
def is_slug(value: str) -> bool:
    """ID-1: the whole value is a slug, to its last character."""
    return SLUG.fullmatch(value) is not None


def check_ids(cmd: C, spec: CommandSpec[C]) -> C | Refusal:
    """ID-1: every id the command names is a slug."""
    names = [(name, getattr(cmd, name)) for name in spec.id_fields]
    if spec.nested:
        names += [(path, value) for path, _, value in spec.nested(cmd)]
    for name, value in names:
        if value is not None and not is_slug(value):
            return refuse(
                "ID-1",
                f"{name.rstrip('_')}: {value[:80]!r} is not a slug ([a-z0-9][a-z0-9-]{{0,63}})",
            )
    return cmd


def digest(cmd: Command) -> str:
    """A fingerprint of the command's body without its cid (IDEM-1)."""
    body = msgspec.json.encode(structs.replace(cmd, cid=None), order="sorted")
    return hashlib.sha256(body).hexdigest()[:32]


_WHERE = re.compile(r"^(?P<problem>.*?)(?: - at `\$(?P<where>[^`]*)`)?$", re.S)


def describe_error(error: msgspec.ValidationError, raw: Mapping[str, object]) -> str:
    """A CMD-1 message naming the field: `amount: expected int, got str`."""
    return escaped(_describe(str(error), raw))


_UNKNOWN = "Object contains unknown field `"
_PLAIN_NAME = re.compile(r"[\w-]+", re.ASCII)


def _describe(error: str, raw: Mapping[str, object]) -> str:
    match = _WHERE.match(error)
    if match is None:
        return error[: SHOWN_LENGTH * 2]
    problem, where = match["problem"], (match["where"] or "").lstrip(".")[:SHOWN_LENGTH]
    whole = error[len(_UNKNOWN) : -1] if error.startswith(_UNKNOWN) else None
    if whole is not None and whole in raw:  # a name of the command's own, whatever it holds
        problem, where = f"{_UNKNOWN}{whole}`", ""
    do = raw.get("do")
    spec = COMMANDS.get(do) if isinstance(do, str) else None
    named = re.match(r"Object (missing required|contains unknown) field `(.*)`", problem, re.S)
    if named:
        name = named[2]
        label = name if _PLAIN_NAME.fullmatch(name) else shown(name)
        path = f"{where}.{label[:SHOWN_LENGTH]}" if where else label[:SHOWN_LENGTH]
        if path == "do":
            return "do: missing; say which command (register, transfer, ...)"
        if named[1].startswith("missing"):
            return f"{path}: missing"
        fields = field_names(spec.cls, where) if spec else []
        return f"{path}: unknown field for {do}" + did_you_mean(name, fields)
    if where == "do":
        return f"do: unknown command {shown(do)}" + did_you_mean(do, COMMANDS)
    problem = problem[0].lower() + problem[1:]
    problem = problem.replace("`", "")
    allowed = allowed_values(spec.cls, where) if spec and where else []
    if allowed and problem.startswith("invalid enum value"):
        problem += " (one of " + ", ".join(map(str, allowed)) + ")"
    return f"{where}: {problem}" if where else problem
