"""A world's past at hand: checkpoints of its state kept in memory every few thousand events, so
that the world as of any instant is a checkpoint and a short replay, not a replay of its log.

The timeline replays the log once into a replica whose tables note the keys each event touches
(`timeline_tables.py`), and each catch-up goes on from there. Every `every` events it keeps, per
table, what differs from the checkpoint before, or a whole copy of the table once its changes
have added up. Entities are frozen, so checkpoints share them: a checkpoint costs the entries
that changed, not the state; and equal values are kept once.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Any, get_origin

from msgspec import structs

from hightable.checked import apply_checked
from hightable.core import State
from hightable.core.chain import GENESIS
from hightable.errors import HightableError
from hightable.store import EventStore
from hightable.timeline_tables import Change, Packed, Shared, Touched, in_order

EVERY = 1_000  # events between checkpoints: a view replays at most this many
WHOLE_AFTER = 1.0  # a table is copied whole once its changes since the last copy outgrow it
TABLES = tuple(f.name for f in structs.fields(State) if get_origin(f.type) is dict)
SCALARS = tuple(f.name for f in structs.fields(State) if f.name not in TABLES)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    at: str  # the instant of its last event
    digest: str  # the hash of its last event: whether the store still holds this log
    scalars: tuple[Any, ...]  # State's other fields, in the order of SCALARS
    # Per table: a whole copy, or its `Change` since the checkpoint before (none: unchanged).
    tables: dict[str, Packed[object] | Change[object]]
    bases: array[int]  # per table, in the order of TABLES: the checkpoint of its last whole copy

    def base(self, table: str) -> int:
        return self.bases[TABLES.index(table)]


class Timeline:
    """The checkpoints of one world, built by replaying its stored log (each hash checked)."""

    def __init__(self, world: str, every: int = EVERY) -> None:
        self.world, self.every = world, every
        self._lock = threading.Lock()  # one catch-up at a time
        self._empty()

    def _empty(self) -> None:
        self.replica: State | None = None  # the world as of the last event replayed
        self._prev = GENESIS  # that event's hash
        self.checkpoints: list[Checkpoint] = []
        self._texts: dict[str, str] = {}  # one string for each text its checkpoints keep
        self._instants: list[str] = []  # each checkpoint's `at`, for bisecting
        self._bases = array("I", [0] * len(TABLES))
        self._changed = [0] * len(TABLES)  # per table, entries changed since its whole copy
        self._orders: list[list[str]] = [[] for _ in TABLES]  # per table, its whole copies' keys

    def holds_log_of(self, store: EventStore, seq: int, digest: str) -> bool:
        """Whether the store's record at `seq` is still the one of that hash: a world deleted
        (and perhaps made again) by another process holds another there, or none."""
        stored = next(iter(store.read(self.world, seq - 1, until_seq=seq)), None)
        return stored is not None and stored.hash == digest

    def hash_at(self, seq: int) -> str | None:
        """The hash of the checkpoint at `seq`, if one is kept there."""
        index = seq // self.every - 1
        if 0 <= index < len(self.checkpoints) and self.checkpoints[index].seq == seq:
            return self.checkpoints[index].digest
        return None

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
            shared = Shared(self._texts)  # for this catch-up: what it shares, entities keep
            records = iter(store.read(self.world, after=self.seq))
            while chunk := list(islice(records, self.every - self.seq % self.every)):
                self.replica, self._prev = apply_checked(
                    self.world, chunk, self.replica, self._prev
                )
                if self.seq % self.every == 0:
                    self._checkpoint(self.replica, self._prev.hex(), shared)

    def _checkpoint(self, state: State | None, digest: str, shared: Shared) -> None:
        """Each table's changes, or a whole copy of it once its changes since the last one
        outgrow a fraction of it: copying a table costs far less per entry than applying its
        changes, so a view rebuilds each table from a recent copy and a few changes."""
        assert state is not None
        index = len(self.checkpoints)
        tables: dict[str, Packed[object] | Change[object]] = {}
        for number, name in enumerate(TABLES):
            table = getattr(state, name)
            if not isinstance(table, Touched):  # the first checkpoint: the replay's own tables
                table = Touched({shared.text(k): shared.entity(v) for k, v in table.items()})
                setattr(state, name, table)
                tables[name] = self._whole(number, table, shared)
                continue
            change = table.changes(shared)
            changed = self._changed[number] + (change.size if change else 0)
            if changed > WHOLE_AFTER * len(table):
                tables[name], self._bases[number] = self._whole(number, table, shared), index
                changed = 0
            elif change is not None:
                tables[name] = change
            self._changed[number] = changed
        scalars = tuple(getattr(state, name) for name in SCALARS)
        self.checkpoints.append(
            Checkpoint(state.seq, state.clock, digest, scalars, tables, array("I", self._bases))
        )
        self._instants.append(state.clock)

    def _whole(self, number: int, table: dict[str, object], shared: Shared) -> Packed[object]:
        keys = self._orders[number] = in_order(self._orders[number], table, shared)
        return Packed(table, keys)

    def before(self, instant: str) -> State | None:
        """The state at the last checkpoint whose events all happened by `instant`, if any: a
        fresh state, which the caller may evolve."""
        index = bisect_right(self._instants, instant) - 1
        return self._state_at(index) if index >= 0 else None

    def _state_at(self, index: int) -> State:
        checkpoint = self.checkpoints[index]
        tables: dict[str, Any] = {}  # State's tables, each of its own entity
        for name, base in zip(TABLES, checkpoint.bases, strict=True):
            whole = self.checkpoints[base].tables[name]
            assert isinstance(whole, Packed)
            table = dict(whole.items())
            for later in self.checkpoints[base + 1 : index + 1]:
                change = later.tables.get(name)
                if isinstance(change, Change):
                    change.apply(table)
            tables[name] = table
        return State(**dict(zip(SCALARS, checkpoint.scalars, strict=True)), **tables)


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
