"""How a timeline keeps a world's tables: packed, their repeated values shared, their changes
noted as they happen.

A checkpoint keeps a table's keys and values in two sequences (a table of coins in an array of
64-bit integers, not an int object each). `Shared` gives equal texts, and equal tuples and dicts
of texts, one object: the many events naming one member then keep one string of its id, and the
index entries and grants that repeat the same ids one tuple or dict.
A replica's table (`Touched`) notes the keys each event touches, and what they held before, so
that a checkpoint keeps only the entries that differ from the checkpoint before.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import eq
from typing import Generic, NoReturn, TypeVar, cast, overload

from msgspec import Struct, structs

V = TypeVar("V")  # a table's entity
D = TypeVar("D")
T = TypeVar("T")

_MISSING = object()
_PLAIN = frozenset((int, bool, type(None)))  # nothing in them to share


class Packed(Generic[V]):
    """A table's entries as a checkpoint keeps them: its keys and values side by side. A whole
    copy's keys may be a list that runs on, shared with the later copies of a growing table."""

    __slots__ = ("keys", "values")

    def __init__(self, entries: dict[str, V], keys: Sequence[str] | None = None) -> None:
        self.keys = tuple(entries) if keys is None else keys
        self.values: Sequence[V] = pack(list(entries.values()))

    def __len__(self) -> int:
        return len(self.values)

    def items(self) -> Iterator[tuple[str, V]]:
        return zip(self.keys, self.values, strict=False)  # as many as it has values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Packed) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]


def in_order(order: list[str], table: dict[str, V], shared: Shared) -> list[str]:
    """The table's keys: `order` grown by the keys added since, if it begins them (no key has
    left the table since), so that the whole copies of a table that only grows share one list
    of keys, each a prefix of it; a new list if a key left."""
    if len(order) > len(table) or not all(map(eq, order, table)):
        order = []
    order.extend(map(shared.text, islice(table, len(order), None)))
    return order


def pack(values: list[V]) -> Sequence[V]:
    """Coins in an array of 64-bit integers; anything else (or a number beyond them) a tuple."""
    if values and all(type(value) is int for value in values):
        try:
            return array("q", values)  # type: ignore[type-var]
        except OverflowError:
            pass
    return tuple(values)


class Shared:
    """One object for equal texts, and for equal tuples and dicts of texts, plain values (not
    floats: -0.0 equals 0.0) and objects it shared before. A timeline keeps its texts for as
    long as it lives (the next catch-up's events name the same ids), and a `Shared` for each
    catch-up, so that the rest costs nothing once the catch-up ends."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        # Not the interpreter's interned strings: a timeline's own, gone with it, where the
        # interpreter's table of them keeps its size once grown.
        self._texts = {} if texts is None else texts
        self._kept: dict[object, object] = {}  # by what tells equal ones apart: see `_key`
        self._given: set[int] = set()  # the tuples and dicts it kept, which it knows by identity

    def text(self, text: str) -> str:
        return self._texts.setdefault(text, text)

    def entity(self, entity: V) -> V:
        """The entity with its values (nested ones too) shared, itself if they were."""
        return cast(V, self.value(entity))

    def value(self, value: object) -> object:
        kind = type(value)  # by its exact type: most values are texts, numbers or None
        if kind is str:
            return self._texts.setdefault(cast(str, value), cast(str, value))
        if kind in _PLAIN:
            return value
        if kind is tuple:
            return self._tuple(cast(tuple[object, ...], value)) if value else value
        if kind is dict:
            return self._dict(cast(dict[object, object], value)) if value else value
        if isinstance(value, Struct):
            return self._struct(value)
        return value

    def _struct(self, entity: Struct) -> Struct:
        fields = {
            name: kept
            for name, value in zip(entity.__struct_fields__, structs.astuple(entity), strict=True)
            if (kept := self.value(value)) is not value
        }
        return structs.replace(entity, **fields) if fields else entity

    def _tuple(self, value: tuple[object, ...]) -> tuple[object, ...]:
        items = tuple(map(self.value, value))
        if all(type(item) is str for item in items):  # the most common: its texts tell it
            return self._keep(items, items)
        key = self._key(items)
        if key is not None:
            return self._keep(key, items)
        return value if all(map(_same_object, items, value)) else items

    def _dict(self, value: dict[object, object]) -> dict[object, object]:
        items = tuple(pair for entry in value.items() for pair in map(self.value, entry))
        key = self._key(items)
        if key is not None:
            return self._keep((dict, *key), dict(zip(items[::2], items[1::2], strict=True)))
        if all(map(_same_object, items, (pair for entry in value.items() for pair in entry))):
            return value
        return dict(zip(items[::2], items[1::2], strict=True))

    def _key(self, items: tuple[object, ...]) -> tuple[object, ...] | None:
        """What tells these items from others: a text itself, a plain value with its type (a
        flag is not the number it equals), a kept object by its identity; None if one is none
        of these."""
        key: list[object] = []
        for item in items:
            kind = type(item)
            if kind is str:
                key.append(item)
            elif kind in _PLAIN:
                key.append((kind, item))
            elif id(item) in self._given:
                key.append((Shared, id(item)))
            else:
                return None
        return tuple(key)

    def _keep(self, key: object, made: T) -> T:
        kept = self._kept.get(key)
        if kept is None:
            kept = self._kept[key] = made
            self._given.add(id(made))
        return cast(T, kept)


def _same_object(one: object, other: object) -> bool:
    return one is other


def same(one: object, other: object) -> bool:
    """Equal, and of one type: a flag is not the number 1 to a view."""
    return one is other or (type(one) is type(other) and one == other)


class Touched(dict[str, V]):
    """A table of the replica: it notes the keys changed in place (with what they held before),
    added and removed since it was last asked, so that a checkpoint keeps only those, and keeps
    the table's order."""

    __slots__ = ("before", "added", "removed")

    def __init__(self, entries: dict[str, V]) -> None:
        super().__init__(entries)
        self.before: dict[str, V] = {}  # the first value each key changed in place had
        self.added: list[str] = []  # in the order they came: a dict keeps that order
        self.removed: set[str] = set()

    def __setitem__(self, key: str, value: V) -> None:
        old = self.get(key, _MISSING)
        if old is _MISSING:
            self.added.append(key)
        elif key not in self.before:
            self.before[key] = old  # type: ignore[assignment]
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.removed.add(key)

    @overload
    def pop(self, key: str, /) -> V: ...
    @overload
    def pop(self, key: str, default: V, /) -> V: ...
    @overload
    def pop(self, key: str, default: D, /) -> V | D: ...

    def pop(self, key: str, *default: object) -> object:
        if key in self:
            self.removed.add(key)
        return super().pop(key, *default)

    def _untracked(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a replica's table changes only item by item")

    update = setdefault = popitem = clear = __ior__ = _untracked

    def changes(self, shared: Shared) -> Change[V] | None:
        """What changed since the last call, or None if nothing did. An entry changed and
        changed back is left out; the entities it names are shared here and in the table."""
        if not (self.before or self.added or self.removed):
            return None
        added: dict[str, V] = {}
        for key in reversed(self.added):  # a key added again belongs where it came last
            if key in self and key not in added:
                added[key] = self[key]
        changed: dict[str, V] = {}
        for key, old in self.before.items():
            if key in added or key not in self:
                continue
            if same(now := self[key], old):
                dict.__setitem__(self, key, old)  # the checkpoint's own object, shared
            else:
                changed[key] = now
        entries = changed | dict(reversed(added.items()))
        for key, entity in entries.items():
            if (kept := shared.entity(entity)) is not entity:
                entries[key] = kept
                dict.__setitem__(self, key, kept)  # the same entity: no change to note
        removed = tuple(map(shared.text, self.removed))
        self.before, self.added, self.removed = {}, [], set()
        if not (removed or entries):
            return None
        return Change(removed, Packed(entries, tuple(map(shared.text, entries))))


@dataclass(frozen=True, slots=True)
class Change(Generic[V]):
    """How one table moved from one checkpoint to the next: the keys removed, then entries put,
    those changed in place first, then those added at the end, in their order."""

    removed: tuple[str, ...]
    put: Packed[V]

    @property
    def size(self) -> int:
        return len(self.removed) + len(self.put)

    def apply(self, table: dict[str, V]) -> None:
        for key in self.removed:
            table.pop(key, None)
        table.update(self.put.items())
