"""A world's past at hand: checkpoints of its state kept in memory every few thousand events, so
that the world as of any instant is a checkpoint and a short replay, not a replay of its log.

The timeline replays the log once into a replica whose tables note the keys each event touches.
Every `every` events it keeps, per table, what changed since the checkpoint before, or a whole
copy of the table once its changes have added up. Entities are frozen, so checkpoints share them:
a checkpoint costs the entries that changed, not the state. What a checkpoint keeps is packed:
keys and values in two tuples (a table of coins in an array of 64-bit integers, not an int
object each), and the ids and texts of its entities interned, so that the many events naming
one member keep one string of its id, not one each.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from sys import intern
from typing import Any, Generic, NoReturn, TypeVar, get_origin, overload

from msgspec import Struct, structs

from hightable.checked import apply_checked
from hightable.core import State
from hightable.core.chain import GENESIS
from hightable.errors import HightableError
from hightable.store import EventStore

EVERY = 1_000  # events between checkpoints: a view replays at most this many
WHOLE_AFTER = 1.0  # a table is copied whole once its changes since the last copy outgrow it
TABLES = tuple(f.name for f in structs.fields(State) if get_origin(f.type) is dict)
SCALARS = tuple(f.name for f in structs.fields(State) if f.name not in TABLES)

V = TypeVar("V")  # a table's entity
D = TypeVar("D")


class Packed(Generic[V]):
    """A table's entries as a checkpoint keeps them: its keys and values side by side."""

    __slots__ = ("keys", "values")

    def __init__(self, entries: dict[str, V]) -> None:
        self.keys = tuple(map(intern, entries))
        self.values: Sequence[V] = pack(list(entries.values()))

    def __len__(self) -> int:
        return len(self.keys)

    def items(self) -> Iterator[tuple[str, V]]:
        return zip(self.keys, self.values, strict=True)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Packed) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]


def pack(values: list[V]) -> Sequence[V]:
    """Coins in an array of 64-bit integers; anything else (or a number beyond them) a tuple."""
    if values and all(type(value) is int for value in values):
        try:
            return array("q", values)  # type: ignore[type-var]
        except OverflowError:
            pass
    return tuple(values)


def interned(entity: V) -> V:
    """The entity with its texts (and the texts of its tuples) interned, itself if they were."""
    if not isinstance(entity, Struct):
        return entity
    fields: dict[str, object] = {}
    for name in entity.__struct_fields__:
        value = getattr(entity, name)
        if type(value) is str:
            if (kept := intern(value)) is not value:
                fields[name] = kept
        elif type(value) is tuple and value and all(type(item) is str for item in value):
            fields[name] = tuple(map(intern, value))
    return structs.replace(entity, **fields) if fields else entity


class Touched(dict[str, V]):
    """A table of the replica: it notes the keys changed in place, added and removed since it
    was last asked, so that a checkpoint keeps only those, and keeps the table's order."""

    __slots__ = ("changed", "added", "removed")

    def __init__(self, entries: dict[str, V]) -> None:
        super().__init__(entries)
        self.changed: set[str] = set()
        self.added: list[str] = []  # in the order they came: a dict keeps that order
        self.removed: set[str] = set()

    def __setitem__(self, key: str, value: V) -> None:
        if key in self:
            self.changed.add(key)
        else:
            self.added.append(key)
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

    def changes(self) -> Change[V] | None:
        """What changed since the last call, or None if nothing did; the entities it names are
        interned here and in the table, which then shares them with the checkpoint."""
        if not (self.changed or self.added or self.removed):
            return None
        added: dict[str, V] = {}
        for key in reversed(self.added):  # a key added again belongs where it came last
            if key in self and key not in added:
                added[key] = self[key]
        changed = {key: self[key] for key in self.changed if key in self and key not in added}
        entries = changed | dict(reversed(added.items()))
        for key, entity in entries.items():
            if (kept := interned(entity)) is not entity:
                entries[key] = kept
                dict.__setitem__(self, key, kept)  # the same entity: no change to note
        removed = tuple(map(intern, self.removed))
        self.changed, self.added, self.removed = set(), [], set()
        return Change(removed, Packed(entries))


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


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    at: str  # the instant of its last event
    scalars: dict[str, Any]  # State's fields of every type, passed back to State
    # Per table: a whole copy, or its `Change` since the checkpoint before (none: unchanged).
    tables: dict[str, Packed[object] | Change[object]]
    bases: dict[str, int]  # per table, the index of the checkpoint with its last whole copy


class Timeline:
    """The checkpoints of one world, built by replaying its stored log (each hash checked)."""

    def __init__(self, world: str, every: int = EVERY) -> None:
        self.world, self.every = world, every
        self._lock = threading.Lock()  # one catch-up at a time
        self._empty()

    def _empty(self) -> None:
        self.replica: State | None = None
        self.checkpoints: list[Checkpoint] = []
        self._instants: list[str] = []  # each checkpoint's `at`, for bisecting
        self._hashes: dict[int, str] = {}  # each checkpoint's hash, by its seq
        self._prev = GENESIS
        self._bases: dict[str, int] = {}
        self._changed: dict[str, int] = {}  # per table, entries changed since its whole copy

    def holds_log_of(self, store: EventStore, seq: int, digest: str) -> bool:
        """Whether the store's record at `seq` is still the one of that hash: a world deleted
        (and perhaps made again) by another process holds another there, or none."""
        stored = next(iter(store.read(self.world, seq - 1, until_seq=seq)), None)
        return stored is not None and stored.hash == digest

    def hash_at(self, seq: int) -> str | None:
        """The hash of the checkpoint at `seq`, if one is kept there."""
        return self._hashes.get(seq)

    @property
    def seq(self) -> int:
        """The last event the timeline has seen."""
        return self.replica.seq if self.replica else 0

    def reaches(self, instant: str) -> bool:
        """Whether its last checkpoint lies at or after the instant."""
        return bool(self._instants) and self._instants[-1] >= instant

    def catch_up_in_background(self, store: EventStore) -> None:
        """Start catching up in a thread of its own, unless one is at it already."""
        if self._lock.locked():
            return
        threading.Thread(target=self._catch_up_quietly, args=(store,), daemon=True).start()

    def _catch_up_quietly(self, store: EventStore) -> None:
        try:
            self.catch_up(store)
        except HightableError:
            pass  # a timeline is only a cache: the views fall back on the store's snapshots

    def catch_up(self, store: EventStore) -> None:
        """Replay the events stored since the replica's, keeping a checkpoint every `every`."""
        with self._lock:
            if self.seq and not self.holds_log_of(store, self.seq, self._prev.hex()):
                self._empty()  # another world's log now: replayed from its start
            records = iter(store.read(self.world, after=self.seq))
            while chunk := list(islice(records, self.every - self.seq % self.every)):
                state, self._prev = apply_checked(self.world, chunk, self.replica, self._prev)
                if self.replica is None and state is not None:
                    for name in TABLES:
                        setattr(state, name, Touched(getattr(state, name)))
                self.replica = state
                if self.seq % self.every == 0:
                    self._checkpoint()

    def _checkpoint(self) -> None:
        """Each table's changes, or a whole copy of it once its changes since the last one
        outgrow a fraction of it: copying a table costs far less per entry than applying its
        changes, so a view rebuilds each table from a recent copy and a few changes."""
        state = self.replica
        assert state is not None
        index = len(self.checkpoints)
        tables: dict[str, Packed[object] | Change[object]] = {}
        for name in TABLES:
            table: Touched[object] = getattr(state, name)
            change = table.changes()
            changed = self._changed.get(name, 0) + (change.size if change else 0)
            if name not in self._bases or changed > WHOLE_AFTER * len(table):
                tables[name], self._bases[name], changed = Packed(table), index, 0
            elif change is not None:
                tables[name] = change
            self._changed[name] = changed
        scalars = {name: getattr(state, name) for name in SCALARS}
        self.checkpoints.append(
            Checkpoint(state.seq, state.clock, scalars, tables, dict(self._bases))
        )
        self._instants.append(state.clock)
        self._hashes[state.seq] = self._prev.hex()

    def before(self, instant: str) -> State | None:
        """The state at the last checkpoint whose events all happened by `instant`, if any: a
        fresh state, which the caller may evolve."""
        index = bisect_right(self._instants, instant) - 1
        if index < 0:
            return None
        checkpoint = self.checkpoints[index]
        tables: dict[str, Any] = {}  # State's tables, each of its own entity
        for name, base in checkpoint.bases.items():
            whole = self.checkpoints[base].tables[name]
            assert isinstance(whole, Packed)
            table = dict(whole.items())
            for later in self.checkpoints[base + 1 : index + 1]:
                change = later.tables.get(name)
                if isinstance(change, Change):
                    change.apply(table)
            tables[name] = table
        return State(**checkpoint.scalars, **tables)


class Timelines:
    """The timelines of the worlds viewed most recently, at most `capacity` of them."""

    def __init__(self, store: EventStore, capacity: int) -> None:
        self.store, self.capacity = store, capacity
        self._kept: OrderedDict[str, Timeline] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, world: str) -> Timeline:
        """The world's timeline, kept (a new one, empty, if it had none)."""
        with self._lock:
            timeline = self._kept.pop(world, None) or Timeline(world)
            if self.capacity:
                self._kept[world] = timeline
                while len(self._kept) > self.capacity:
                    self._kept.popitem(last=False)
            return timeline

    def __len__(self) -> int:
        return len(self._kept)

    def drop(self, world: str) -> None:
        with self._lock:
            self._kept.pop(world, None)

    def before(self, world: str, instant: str, head: int) -> State | None:
        """The state at a checkpoint before the instant, if timelines are kept. One that lags
        behind the log (`head` is its last seq) catches up in the background, and serves
        meanwhile the instants it reaches."""
        if not self.capacity:
            return None
        timeline = self.get(world)
        behind = head - timeline.seq >= timeline.every
        if behind:
            timeline.catch_up_in_background(self.store)
        if behind and not timeline.reaches(instant):
            return None
        state = timeline.before(instant)
        if state is None:
            return None
        digest = timeline.hash_at(state.seq)
        if digest is None or not timeline.holds_log_of(self.store, state.seq, digest):
            self.drop(world)  # the checkpoint is of a world deleted since: never served
            return None
        return state
