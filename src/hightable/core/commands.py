"""Commands: typed structs tagged by `do`, their registry, and their validation at the edge.

Each chapter module declares its commands here with `@command(...)`: the fields that name
objects (ID-3), the object it creates (ID-2), the members it names as parties (LIFE-1) and who
may issue it (ROLE-1 and §13). `decide` reads these declarations, so the generic rules are
written once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Annotated, Any, ClassVar, Union

import msgspec
from msgspec import Meta, structs

from hightable.core.instants import InstantError, is_canonical, parse_instant
from hightable.core.rules import Refusal, refuse

# Limits: a value past them is malformed (CMD-1), not a slow disaster.
MAX_AMOUNT = 10**15
Id = Annotated[str, Meta(max_length=200)]
Text = Annotated[str, Meta(max_length=2000)]
Amount = Annotated[int, Meta(le=MAX_AMOUNT)]
InstantText = Annotated[str, Meta(max_length=64)]

# Judged with fullmatch: `$` would let a trailing newline through.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class Command(msgspec.Struct, tag_field="do", kw_only=True, forbid_unknown_fields=True):
    """Fields every command carries; `world`, when given, must be the world it is sent to."""

    do: ClassVar[str]  # the command's tag, set when it is registered

    at: InstantText
    by: Id
    cid: Text | None = None
    world: Id | None = None


Authority = Callable[[Any, Any], Refusal | None]
Nested = Callable[[Any], Iterator[tuple[str, str, str]]]
Handler = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class CommandSpec:
    """What the engine knows of a command beyond its fields."""

    cls: type[Command]
    handler: Handler
    authority: Authority
    refs: dict[str, str] = field(default_factory=dict)  # field -> kind of object it names
    creates: tuple[str, str] | None = None  # (field, kind) of the object it creates
    parties: tuple[str, ...] = ()  # member fields LIFE-1 guards
    instants: tuple[str, ...] = ()  # instant fields besides `at`
    nested: Nested | None = None  # (path, kind, id) of objects named inside values
    validate: Callable[[Any], str | None] | None = None  # CMD-1 checks across fields

    @cached_property
    def id_fields(self) -> tuple[str, ...]:
        """The fields that hold ids (ID-1): the actor, the world, those naming objects and the
        one creating one."""
        return ("by", "world", *self.refs, *(self.creates[:1] if self.creates else ()))

    @cached_property
    def instant_fields(self) -> tuple[str, ...]:
        return ("at", *self.instants)


COMMANDS: dict[str, CommandSpec] = {}


def command(
    cls: type[Command],
    *,
    authority: Authority,
    refs: dict[str, str] | None = None,
    creates: tuple[str, str] | None = None,
    parties: tuple[str, ...] = (),
    instants: tuple[str, ...] = (),
    nested: Nested | None = None,
    validate: Callable[[Any], str | None] | None = None,
) -> Callable[[Handler], Handler]:
    """Register a command class and the function that decides it."""

    def register(handler: Handler) -> Handler:
        cls.do = str(cls.__struct_config__.tag)
        COMMANDS[cls.do] = CommandSpec(
            cls, handler, authority, refs or {}, creates, parties, instants, nested, validate
        )
        return handler

    return register


def command_union() -> Any:
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
    spec = known or COMMANDS[cmd.do]
    cmd_or_refusal = normalize_instants(cmd, spec)
    if isinstance(cmd_or_refusal, Refusal):
        return cmd_or_refusal
    cmd = cmd_or_refusal
    problem = spec.validate(cmd) if spec.validate else None
    if problem:
        return refuse("CMD-1", problem)
    return check_ids(cmd, spec)


def normalize_instants(cmd: Command, spec: CommandSpec) -> Command | Refusal:
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


@lru_cache(maxsize=65_536)  # a shard names the same members again and again
def is_slug(value: str) -> bool:
    """ID-1: the whole value is a slug, to its last character."""
    return SLUG.fullmatch(value) is not None


def check_ids(cmd: Command, spec: CommandSpec) -> Command | Refusal:
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


def describe_error(error: msgspec.ValidationError, raw: dict[str, Any]) -> str:
    """A CMD-1 message naming the field: `amount: expected int, got str`."""
    match = _WHERE.match(str(error))
    if match is None:
        return str(error)
    problem, where = match["problem"], (match["where"] or "").lstrip(".")
    named = re.match(r"Object (missing required|contains unknown) field `(.+)`", problem)
    if named:
        path = f"{where}.{named[2]}" if where else named[2]
        if path == "do":
            return "do: missing; say which command (register, transfer, ...)"
        kind = "missing" if named[1].startswith("missing") else "unknown field"
        return f"{path}: {kind}" + (f" for {raw.get('do')}" if kind == "unknown field" else "")
    if where == "do":
        return f"do: unknown command {str(raw.get('do'))[:80]!r}"
    problem = problem[0].lower() + problem[1:]
    problem = problem.replace("`", "")
    return f"{where}: {problem}" if where else problem
