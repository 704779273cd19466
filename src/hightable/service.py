"""Worlds kept in a store: the imperative shell around the pure core.

Load a world (a snapshot and the log after it, the chain checked as it is read), let the core
decide, seal the events into the chain, append them with the seq they must take, and only then
answer. Two writers racing on one world never share a seq: the loser catches up and decides
again. Nothing here judges a rule: that is the core's alone.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import structs

from hightable.checked import (
    against_recorded_head,
    apply_checked,
    counted,
    replay_counted,
)
from hightable.core import (
    Accepted,
    Event,
    Outcome,
    Refusal,
    Replayed,
    State,
    Verdict,
    create_world,
    decide,
    decode_event,
    evolve,
    parse_command,
    verify,
)
from hightable.core.chain import GENESIS, Record, seal
from hightable.core.engine import CorruptLog, evolve_all
from hightable.core.ledger import advance_to, check_within
from hightable.core.rules import refuse
from hightable.core.state import initial_state
from hightable.core.world import WorldCreated
from hightable.errors import Conflict, Corrupt, HightableError, StoreError, WorldExists
from hightable.store import EventStore, Snapshot
from hightable.timeline import Timeline, Timelines

SNAPSHOT_EVERY = 1_000
SNAPSHOT_FORMAT = 4  # bump when State changes shape: older snapshots are then ignored
RETRIES = 50
# Worlds whose past a server keeps in memory (a timeline), for views at an instant in a few
# milliseconds: about 350 MiB for a world of a million events, a few MiB for a small one.
SERVER_TIMELINES = 4
Progress = Callable[[int], None]


class SnapshotBody(msgspec.Struct):
    format: int
    hash: str
    state: State


@dataclass
class Loaded:
    """A world as this process last saw it: its state after `head`, the last record."""

    state: State
    head: Record


@dataclass
class _Pending:
    """A command waiting for a group commit, and what became of it."""

    raw: object
    done: bool = False
    outcome: Outcome | HightableError | None = None


@dataclass(frozen=True)
class Batch:
    """The outcomes of a batch of commands; `applied` is False when an atomic batch was refused."""

    outcomes: list[Outcome]
    applied: bool


class WorldService:
    def __init__(
        self, store: EventStore, snapshot_every: int = SNAPSHOT_EVERY, timelines: int = 0
    ) -> None:
        self.store = store
        self.snapshot_every = snapshot_every
        # The worlds whose past is kept in memory (a `Timeline`) for views at an instant: a
        # long-lived server keeps some; a one-off command reads the store's snapshots instead.
        self.timelines = Timelines(store, timelines)
        self.progress: Progress | None = None  # told the count as a long log is replayed
        self._cache: dict[str, Loaded] = {}
        self._locks: dict[str, threading.RLock] = {}
        self._queues: dict[str, list[_Pending]] = {}
        self._locks_lock = threading.Lock()
        self._snapshot_bytes: dict[str, int] = {}  # the size of each world's last snapshot
        self._logged_since: dict[str, int] = {}  # the bytes logged since it

    def _lock(self, world: str) -> threading.RLock:
        with self._locks_lock:
            return self._locks.setdefault(world, threading.RLock())

    # -- creating ------------------------------------------------------------------------------

    def create(self, world: str, start: object) -> Record | Refusal:
        """WORLD-1: a new world, its first event durable before this returns."""
        created = create_world(world, start)
        if isinstance(created, Refusal):
            return created
        state, event = created
        return self._create_from(world, state.start, [event])

    def _create_from(self, world: str, start: str, events: list[Event]) -> Record | Refusal:
        records = seal(events, GENESIS)
        try:
            self.store.create_world(world, start, records)
        except WorldExists:
            return refuse("WORLD-1", f"a world {world!r} exists already")
        return records[-1]

    # -- loading ------------------------------------------------------------------------------

    def _load(self, world: str) -> Loaded | Refusal:
        """The world caught up with the store: from the cache, a snapshot, or the first event."""
        loaded = self._cache.get(world) or self._from_snapshot(world)
        after = loaded.head.seq if loaded else 0
        prev = bytes.fromhex(loaded.head.hash) if loaded else GENESIS
        records = self.store.read(world, after=after)
        state, prev = apply_checked(
            world, records, loaded.state if loaded else None, prev, self.progress
        )
        if state is None:
            return refuse("ID-3", f"no world {world!r} in this store")
        if loaded is None or state.seq != loaded.head.seq:
            loaded = Loaded(state, Record(state.seq, state.clock, "", b"", prev.hex()))
        self._cache[world] = loaded
        return loaded

    def _from_snapshot(self, world: str, at_or_before: str | None = None) -> Loaded | None:
        snapshot = self.store.latest_snapshot(world, at_or_before)
        if snapshot is None:
            return None
        try:
            body = msgspec.json.decode(snapshot.body, type=SnapshotBody)
        except msgspec.DecodeError:
            return None  # a cache we cannot read is no loss
        if body.format != SNAPSHOT_FORMAT:
            return None
        head = Record(snapshot.seq, snapshot.at, "", b"", body.hash)
        return Loaded(body.state, head)

    def state(self, world: str) -> State | Refusal:
        """The world now: a copy, so that no later command changes it under its reader."""
        with self._lock(world):
            loaded = self._load(world)
            return loaded if isinstance(loaded, Refusal) else loaded.state.fork()

    def state_at(self, world: str, instant: str | None = None) -> State | Refusal:
        """The world as of an instant (TIME-3): a checkpoint or snapshot before it and a short
        replay, then the deadlines that fell by then."""
        with self._lock(world):
            loaded = self._load(world)
            if isinstance(loaded, Refusal):
                return loaded
            start, clock, head = loaded.state.start, loaded.state.clock, loaded.head.seq
        if instant is None or instant == clock:
            return self.state(world)
        refusal = check_within(start, clock, instant)
        if refusal:
            return refusal
        state = self.timelines.before(world, instant, head)
        if state is None:
            base = self._from_snapshot(world, instant)
            state = base.state if base else None
        records = self.store.read(world, state.seq if state else 0, until_at=instant)
        events = (decode_event(record.body) for record in records)
        if state is None:
            first = next(events)
            if not isinstance(first, WorldCreated):
                raise Corrupt(f"world {world}: the log does not begin with world_created")
            state = evolve(initial_state(first.world, first.start), first)
        return advance_to(state, events, instant)

    def timeline(self, world: str, catch_up: bool = True) -> Timeline:
        """The world's timeline (kept, if this service keeps timelines), caught up with its log
        now unless told not to."""
        timeline = self.timelines.get(world)
        if catch_up:
            timeline.catch_up(self.store)
        return timeline

    # -- deciding -----------------------------------------------------------------------------

    def execute(self, world: str, raw: object) -> Outcome:
        """One command: decided, sealed and durable before the outcome is returned.

        Group commit: commands that arrive from other threads while a transaction is under way
        queue up, and the next thread to hold the world's lock appends them all in one
        transaction, then hands each its outcome.
        """
        pending = _Pending(raw)
        with self._locks_lock:
            self._queues.setdefault(world, []).append(pending)
        with self._lock(world):
            if not pending.done:
                with self._locks_lock:
                    group, self._queues[world] = self._queues[world], []
                try:
                    outcomes = self._execute_locked(world, [p.raw for p in group], False).outcomes
                except HightableError as error:
                    outcomes = [error] * len(group)  # type: ignore[list-item]
                for member, outcome in zip(group, outcomes, strict=True):
                    member.outcome, member.done = outcome, True
        if isinstance(pending.outcome, HightableError):
            raise pending.outcome
        return pending.outcome  # type: ignore[return-value]

    def execute_batch(self, world: str, raws: Iterable[object], atomic: bool = False) -> Batch:
        """Many commands in one transaction (group commit), each decided after the one before.

        With `atomic`, one refusal refuses the whole batch and nothing is appended.
        """
        with self._lock(world):
            return self._execute_locked(world, raws, atomic)

    def _execute_locked(self, world: str, raws: Iterable[object], atomic: bool) -> Batch:
        commands = [parse_command(raw) for raw in raws]
        for attempt in range(RETRIES):
            loaded = self._load(world)
            if isinstance(loaded, Refusal):
                return Batch([loaded] * len(commands), False)
            # Each command is judged after the one before, so the cached state moves as the
            # batch is decided; if the batch is not committed, the cache is dropped and the
            # world reloaded (from its latest snapshot) next time: no state is ever copied.
            outcomes, events = self._decide_all(loaded.state, commands)
            if atomic and any(isinstance(o, Refusal) for o in outcomes):
                self._forget(world, events)
                return Batch(outcomes, False)
            if not events:
                return Batch(outcomes, True)
            records = seal(events, bytes.fromhex(loaded.head.hash))
            snapshot = self._snapshot_due(world, loaded, records)
            try:
                self.store.append(world, records, snapshot)
            except Conflict:
                # Another writer took the seq: wait a little, catch up and decide again.
                # The random wait keeps two writers from colliding in lockstep forever.
                self._forget(world, events)
                time.sleep(random.uniform(0, min(0.05, 0.0005 * 2**attempt)))
                continue
            except BaseException:
                self._forget(world, events)  # the outcome is unknown: reload next time
                raise
            self._remember(world, loaded, records, snapshot)
            return Batch(outcomes, True)
        raise StoreError(f"world {world}: gave up after {RETRIES} conflicting writers")

    @staticmethod
    def _decide_all(state: State, commands: list[Any]) -> tuple[list[Outcome], list[Event]]:
        outcomes: list[Outcome] = []
        events: list[Event] = []
        for command in commands:
            outcome = command if isinstance(command, Refusal) else decide(state, command)
            if isinstance(outcome, Accepted):
                evolve_all(state, outcome.events)
                events += outcome.events
            outcomes.append(outcome)
        return outcomes, events

    def _forget(self, world: str, uncommitted: list[Event]) -> None:
        if uncommitted:
            self._cache.pop(world, None)

    def _snapshot_due(self, world: str, loaded: Loaded, records: list[Record]) -> Snapshot | None:
        """A snapshot of the state these records lead to, when one is due: every
        `snapshot_every` events, but a big state only once the events since its last snapshot
        weigh as much as it, so that snapshots never outweigh the log."""
        head = records[-1]
        crossed = head.seq // self.snapshot_every > loaded.head.seq // self.snapshot_every
        logged = self._logged_since.get(world, 0) + _weight(records)
        if not crossed or logged < self._snapshot_bytes.get(world, 0):
            return None
        return self._snapshot_of(world, loaded.state, head.seq, head.hash)

    def _snapshot_of(self, world: str, state: State, seq: int, digest: str) -> Snapshot:
        body = msgspec.json.encode(SnapshotBody(SNAPSHOT_FORMAT, digest, state))
        return Snapshot(world, seq, state.clock, body)

    def _remember(
        self, world: str, loaded: Loaded, records: list[Record], snapshot: Snapshot | None
    ) -> None:
        """The records are committed: the world's head moves, and what was logged since its
        last snapshot is counted (only now, so that a batch that lost a race is not)."""
        loaded.head = records[-1]
        if snapshot is not None:
            self._snapshot_bytes[world], self._logged_since[world] = len(snapshot.body), 0
        else:
            self._logged_since[world] = self._logged_since.get(world, 0) + _weight(records)

    def snapshot(self, world: str) -> None:
        """Cache the current state of a world (a snapshot is never the truth)."""
        with self._lock(world):
            loaded = self._load(world)
            if isinstance(loaded, Refusal):
                return
            snapshot = self._snapshot_of(world, loaded.state, loaded.head.seq, loaded.head.hash)
            self._remember(world, loaded, [loaded.head], snapshot)
        self.store.save_snapshot(snapshot)

    # -- reading ------------------------------------------------------------------------------

    def events_of(self, world: str, outcome: Accepted | Replayed) -> list[Event]:
        if isinstance(outcome, Accepted):
            return outcome.events
        records = self.store.read(world, outcome.first_seq - 1, until_seq=outcome.last_seq)
        return [decode_event(record.body) for record in records]

    def log(self, world: str, after: int = 0, limit: int | None = None) -> Iterator[Event]:
        until = after + limit if limit is not None else None
        for record in self.store.read(world, after, until_seq=until):
            yield decode_event(record.body)

    def verify(self, world: str, progress: Progress | None = None) -> Verdict | Refusal:
        """CHAIN-1 over the stored log: the first event whose bytes or order changed."""
        recorded = self.store.recorded_head(world)
        if recorded is None:
            return refuse("ID-3", f"no world {world!r} in this store")
        verdict = verify(counted(self.store.read(world), progress))
        return verdict if not verdict.ok else against_recorded_head(verdict, *recorded)

    def export(self, world: str) -> Iterator[bytes]:
        """The log as JSON lines: each event's canonical JSON, the bytes its hash seals."""
        for record in self.store.read(world):
            yield record.body

    # -- new worlds from old logs -------------------------------------------------------------

    def fork(self, world: str, new: str, instant: str) -> Record | Refusal:
        """A what-if branch: a new world holding the log of `world` up to `instant`."""
        current = self.state(world)
        if isinstance(current, Refusal):
            return current
        refusal = check_within(current.start, current.clock, instant)
        if refusal:
            return refusal
        events = [decode_event(record.body) for record in self.store.read(world, until_at=instant)]
        return self.adopt(new, events)

    def adopt(
        self, world: str, events: list[Event], progress: Progress | None = None
    ) -> Record | Refusal:
        """Store a log under a world id (an import, a fork, a kept story), after replaying it."""
        created = create_world(world, events[0].at if events else None)
        if isinstance(created, Refusal):
            return created
        renamed = [structs.replace(event, world=world) for event in events]
        try:
            state = replay_counted(renamed, progress)
        except CorruptLog as error:
            return refuse("CHAIN-1", f"the log cannot be replayed: {error}")
        return self._create_from(world, state.start, renamed)

    def import_lines(
        self, world: str | None, lines: Iterable[bytes], progress: Progress | None = None
    ) -> Record | Refusal:
        """Import a world from JSON lines (as `export` writes them)."""
        events = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                events.append(decode_event(line))
            except (msgspec.DecodeError, msgspec.ValidationError) as error:
                return refuse("CMD-1", f"line {number}: not an event ({error})")
        if not events:
            return refuse("CMD-1", "no event to import")
        return self.adopt(world or events[0].world, events, progress)


def _weight(records: list[Record]) -> int:
    return sum(len(record.body) for record in records)
