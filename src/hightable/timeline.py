"""A world's past at hand: checkpoints of its state kept in memory every few thousand events, so
that the world as of any instant is a checkpoint and a short replay, not a replay of its log.

The timeline replays the log once into a replica whose tables note the keys each event touches.
Every `every` events it keeps what changed since the checkpoint before; once those changes add
up to half the state, it keeps a whole copy instead. Entities are frozen, so checkpoints share
them: a checkpoint costs the entries that changed, not the state.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import dataclass
from itertools import islice
from typing import Any, get_origin

from msgspec import structs

from hightable.checked import apply_checked
from hightable.core import State
from hightable.core.chain import GENESIS
from hightable.errors import HightableError
from hightable.store import EventStore

EVERY = 2_000  # events between checkpoints: a view replays at most this many
TABLES = tuple(f.name for f in structs.fields(State) if get_origin(f.type) is dict)
SCALARS = tuple(f.name for f in structs.fields(State) if f.name not in TABLES)


class Touched(dict[str, Any]):
    """A table of the replica: it notes the keys changed in place, added and removed since it
    was last asked, so that a checkpoint keeps only those, and keeps the table's order."""

    __slots__ = ("changed", "added", "removed")

    def __init__(self, entries: dict[str, Any]) -> None:
        super().__init__(entries)
        self.changed: set[str] = set()
        self.added: list[str] = []  # in the order they came: a dict keeps that order
        self.removed: set[str] = set()

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self:
            self.changed.add(key)
        else:
            self.added.append(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.removed.add(key)

    def pop(self, key: str, *default: Any) -> Any:
        if key in self:
            self.removed.add(key)
        return super().pop(key, *default)

    def _untracked(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a replica's table changes only item by item")

    update = setdefault = popitem = clear = __ior__ = _untracked

    def changes(self) -> Change | None:
        """What changed since the last call, or None if nothing did."""
        if not (self.changed or self.added or self.removed):
            return None
        added: dict[str, Any] = {}
        for key in reversed(self.added):  # a key added again belongs where it came last
            if key in self and key not in added:
                added[key] = self[key]
        change = Change(
            removed=tuple(self.removed),
            changed={key: self[key] for key in self.changed if key in self and key not in added},
            added=dict(reversed(added.items())),
        )
        self.changed, self.added, self.removed = set(), [], set()
        return change


@dataclass(frozen=True)
class Change:
    """How one table moved from one checkpoint to the next."""

    removed: tuple[str, ...]
    changed: dict[str, Any]  # keys that stay where they are
    added: dict[str, Any]  # keys that go at the end, in this order

    @property
    def size(self) -> int:
        return len(self.removed) + len(self.changed) + len(self.added)

    def apply(self, table: dict[str, Any]) -> None:
        for key in self.removed:
            table.pop(key, None)
        table.update(self.changed)
        table.update(self.added)


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    at: str  # the instant of its last event
    scalars: dict[str, Any]
    tables: dict[str, Any]  # whole tables, or the `Change` of each table since the one before
    whole: bool


class Timeline:
    """The checkpoints of one world, built by replaying its stored log (each hash checked)."""

    def __init__(self, world: str, every: int = EVERY) -> None:
        self.world, self.every = world, every
        self.replica: State | None = None
        self.checkpoints: list[Checkpoint] = []
        self._instants: list[str] = []  # each checkpoint's `at`, for bisecting
        self._prev = GENESIS
        self._changed_since_whole = 0
        self._lock = threading.Lock()  # one catch-up at a time

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
        state = self.replica
        assert state is not None
        scalars = {name: getattr(state, name) for name in SCALARS}
        changes = {name: getattr(state, name).changes() for name in TABLES}
        changes = {name: change for name, change in changes.items() if change is not None}
        self._changed_since_whole += sum(change.size for change in changes.values())
        size = sum(len(getattr(state, name)) for name in TABLES)
        whole = not self.checkpoints or 2 * self._changed_since_whole >= size
        tables: dict[str, Any] = changes
        if whole:
            tables = {name: dict(getattr(state, name)) for name in TABLES}
            self._changed_since_whole = 0
        self.checkpoints.append(Checkpoint(state.seq, state.clock, scalars, tables, whole))
        self._instants.append(state.clock)

    def before(self, instant: str) -> State | None:
        """The state at the last checkpoint whose events all happened by `instant`, if any: a
        fresh state, which the caller may evolve."""
        index = bisect_right(self._instants, instant) - 1
        if index < 0:
            return None
        first = index
        while not self.checkpoints[first].whole:
            first -= 1
        tables: dict[str, Any] = {
            name: dict(table) for name, table in self.checkpoints[first].tables.items()
        }
        for checkpoint in self.checkpoints[first + 1 : index + 1]:
            for name, change in checkpoint.tables.items():
                change.apply(tables[name])
        return State(**self.checkpoints[index].scalars, **tables)
