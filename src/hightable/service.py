"""Worlds kept in a store: the imperative shell around the pure core.

Load a world (a snapshot the chain vouches for and the log after it, each record checked as it
is read), let the core decide, check the ledger's invariants, seal the events into the chain,
append them with the seq they must take, and only then answer. The world this process holds
changes only under its lock, and any failure between deciding and committing drops it, to be
loaded again from the store: what the process holds is always what the store holds. Two writers
racing on one world never share a seq: the loser catches up and decides again. Nothing here
judges a rule: that is the core's alone.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from msgspec import structs

from hightable.audit import audit
from hightable.checked import (
    DECODING_ERRORS,
    apply_checked,
    initial_from,
    read_checked,
    read_events,
    replay_counted,
)
from hightable.core import (
    Accepted,
    Command,
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
)
from hightable.core.chain import GENESIS, Record, head_problem, seal
from hightable.core.engine import evolve_all
from hightable.core.invariants import check_ledger
from hightable.core.ledger import advance_to, check_within
from hightable.core.rules import refuse
from hightable.core.seals import StateSealed, state_digest
from hightable.core.state import TABLE
from hightable.errors import Conflict, Corrupt, HightableError, StoreError, WorldExists
from hightable.snapshots import FORMAT, encode_snapshot, vouched
from hightable.store import EventStore, Snapshot
from hightable.timeline import Timeline, Timelines

SNAPSHOT_EVERY = 1_000
RETRIES = 50
# Worlds whose past a server keeps in memory (a timeline), for views at an instant in a few
# milliseconds: about 350 MiB for a world of a million events, a few MiB for a small one.
SERVER_TIMELINES = 4
Progress = Callable[[int], None]
log = logging.getLogger("hightable")


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


@dataclass
class _Plan:
    """A batch decided on the world's state: its outcomes and the records to append."""

    outcomes: list[Outcome] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    snapshot: Snapshot | None = None


class _Faulted(Exception):
    """One command of a batch could not be decided or sealed, or broke the ledger's invariants:
    it alone gets `outcome`, and the batch is decided again without it."""

    def __init__(self, index: int, outcome: Refusal) -> None:
        super().__init__(outcome.message)
        self.index, self.outcome = index, outcome


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
        """The world caught up with the store: from the cache, or loaded afresh."""
        cached = self._cache.get(world)
        if cached is None:
            return self._load_afresh(world)
        records = self.store.read(world, after=cached.head.seq)
        try:
            state, prev = apply_checked(
                world, records, cached.state, bytes.fromhex(cached.head.hash), self.progress
            )
        except BaseException:
            self._drop(world)  # half caught up: load it afresh next time
            raise
        if state is not None and state.seq != cached.head.seq:
            cached.head = Record(state.seq, state.clock, "", b"", prev.hex())
        return cached

    def _load_afresh(self, world: str) -> Loaded | Refusal:
        """From a snapshot the chain vouches for (or the first event), up to the recorded head."""
        recorded = self.store.recorded_head(world)
        if recorded is None:
            return refuse("ID-3", f"no world {world!r} in this store")
        base = self._from_snapshot(world)
        prev = bytes.fromhex(base.head.hash) if base else GENESIS
        # Up to the head recorded first: records appended since then are read next time.
        records = self.store.read(world, base.head.seq if base else 0, until_seq=recorded[0])
        state, prev = apply_checked(
            world, records, base.state if base else None, prev, self.progress
        )
        if state is None:
            raise Corrupt(f"world {world}: its log holds no event", 1)
        problem = head_problem(state.seq, prev.hex(), *recorded)
        if problem:
            raise Corrupt(f"world {world}: seq {problem[0]}: {problem[1]}; run verify", problem[0])
        loaded = Loaded(state, Record(state.seq, state.clock, "", b"", prev.hex()))
        self._cache[world] = loaded
        return loaded

    def _from_snapshot(self, world: str, at_or_before: str | None = None) -> Loaded | None:
        """The latest snapshot (by an instant) that the chain vouches for (CHAIN-2), if any."""
        snapshot = self.store.latest_snapshot(world, at_or_before)
        if snapshot is None:
            return None
        sealed = next(iter(self.store.read(world, snapshot.seq, until_seq=snapshot.seq + 1)), None)
        body = vouched(snapshot, sealed)
        if body is None:
            return None
        return Loaded(body.state, Record(snapshot.seq, snapshot.at, "", b"", body.hash))

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
        events = self._events_by(world, state.seq if state else 0, instant)
        if state is None:
            first = next(events)
            state = evolve(initial_from(first), first)
        return advance_to(state, events, instant)

    def _events_by(self, world: str, after: int, instant: str) -> Iterator[Event]:
        """The events after a seq up to an instant, checked. The store finds them by the instant
        stored beside each event; the record after the last one found is read and checked too,
        so that an instant changed in the store cannot hide an event from a view of the past."""
        records = self.store.read(world, max(after - 1, 0), until_at=instant)
        for event in read_events(self._and_next(world, records, after), world, after, after > 0):
            if event.at > instant:
                return
            yield event

    def _and_next(self, world: str, records: Iterable[Record], after: int) -> Iterator[Record]:
        last = after
        for record in records:
            last = record.seq
            yield record
        yield from self.store.read(world, last, until_seq=last + 1)

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
                self._commit_group(world, group)
        if isinstance(pending.outcome, HightableError):
            raise pending.outcome
        assert pending.outcome is not None  # every member of a group is answered
        return pending.outcome

    def _commit_group(self, world: str, group: list[_Pending]) -> None:
        """Decide and append a group; every member gets an outcome, or the error that stopped
        the whole group (the store's), whatever its type."""
        try:
            outcomes: list[Outcome | HightableError] = list(
                self._execute_locked(world, [p.raw for p in group], False).outcomes
            )
        except HightableError as error:
            outcomes = [error] * len(group)
        except BaseException as error:
            failed = StoreError(f"world {world}: the commit failed ({type(error).__name__})")
            for member in group:
                member.outcome, member.done = failed, True
            raise
        for member, outcome in zip(group, outcomes, strict=True):
            member.outcome, member.done = outcome, True

    def execute_batch(self, world: str, raws: Iterable[object], atomic: bool = False) -> Batch:
        """Many commands in one transaction (group commit), each decided after the one before.

        With `atomic`, one refusal refuses the whole batch and nothing is appended.
        """
        with self._lock(world):
            return self._execute_locked(world, raws, atomic)

    def _execute_locked(self, world: str, raws: Iterable[object], atomic: bool) -> Batch:
        commands = [parse_command(raw) for raw in raws]
        faults: dict[int, Refusal] = {}
        conflicts = 0
        while True:
            loaded = self._load(world)
            if isinstance(loaded, Refusal):
                return Batch([loaded] * len(commands), False)
            try:
                plan = self._plan(world, loaded, commands, faults)
            except _Faulted as fault:  # that command alone is answered; the rest decided again
                self._drop(world)
                faults[fault.index] = fault.outcome
                continue
            except BaseException:
                self._drop(world)
                raise
            refused = any(isinstance(o, Refusal) for o in plan.outcomes)
            if atomic and refused or not plan.records:
                if plan.records:
                    self._drop(world)  # decided, never stored: load it afresh next time
                return Batch(plan.outcomes, not (atomic and refused))
            try:
                self.store.append(world, plan.records, plan.snapshot)
            except Conflict:
                # Another writer took the seq: wait a little, catch up and decide again.
                # The random wait keeps two writers from colliding in lockstep forever.
                self._drop(world)
                conflicts += 1
                if conflicts >= RETRIES:
                    raise StoreError(f"world {world}: gave up after {RETRIES} conflicts") from None
                time.sleep(random.uniform(0, min(0.05, 0.0005 * 2**conflicts)))
                continue
            except BaseException:
                self._drop(world)  # the outcome is unknown: load it afresh next time
                raise
            self._remember(world, loaded, plan)
            return Batch(plan.outcomes, True)

    def _plan(
        self,
        world: str,
        loaded: Loaded,
        commands: list[Command | Refusal],
        faults: dict[int, Refusal],
    ) -> _Plan:
        """Decide each command on the world's state, after the one before; check the ledger's
        invariants after each accepted one (INVARIANT-1) and seal its events."""
        plan, state = _Plan(), loaded.state
        prev = bytes.fromhex(loaded.head.hash)
        for index, command in enumerate(commands):
            if index in faults or isinstance(command, Refusal):
                plan.outcomes.append(faults.get(index) or command)  # type: ignore[arg-type]
                continue
            try:
                outcome = decide(state, command)
                if isinstance(outcome, Accepted):
                    evolve_all(state, outcome.events)
                    broken = check_ledger(state)
                    if broken:
                        log.critical("world %s: %s: %s", world, command.do, broken)
                        raise _Faulted(index, broken)
                    records = seal(outcome.events, prev)
                    prev = bytes.fromhex(records[-1].hash)
                    plan.records += records
            except Exception as error:
                if isinstance(error, _Faulted):
                    raise
                log.exception("world %s: %s could not be decided or sealed", world, command.do)
                message = f"{command.do} could not be decided or sealed ({type(error).__name__})"
                raise _Faulted(index, refuse("FAULT-1", message)) from error
            plan.outcomes.append(outcome)
        if plan.records:
            self._seal_snapshot(world, loaded, plan)
        return plan

    def _seal_snapshot(self, world: str, loaded: Loaded, plan: _Plan) -> None:
        """When a snapshot is due, add it and the `state_sealed` record that vouches for it
        (CHAIN-2). A snapshot is only a cache: if it cannot be made, the batch goes without."""
        if not self._snapshot_due(world, loaded, plan.records):
            return
        state, head = loaded.state, plan.records[-1]
        try:
            snapshot = encode_snapshot(world, state, head.hash)
            digest = state_digest(state)
            sealed = StateSealed(
                world=world,
                seq=state.seq + 1,
                at=state.clock,
                by=TABLE,
                digest=digest,
                format=FORMAT,
            )
            record = seal([sealed], bytes.fromhex(head.hash))
        except Exception:
            log.exception("world %s: no snapshot at seq %d", world, state.seq)
            return
        evolve(state, sealed)
        plan.records += record
        plan.snapshot = snapshot

    def _drop(self, world: str) -> None:
        """Forget what this process holds of a world: the store's is loaded next time."""
        self._cache.pop(world, None)

    def _snapshot_due(self, world: str, loaded: Loaded, records: list[Record]) -> bool:
        """Every `snapshot_every` events, but a big state only once the events since its last
        snapshot weigh as much as it, so that snapshots never outweigh the log."""
        head = records[-1]
        crossed = head.seq // self.snapshot_every > loaded.head.seq // self.snapshot_every
        logged = self._logged_since.get(world, 0) + _weight(records)
        return crossed and logged >= self._snapshot_bytes.get(world, 0)

    def _remember(self, world: str, loaded: Loaded, plan: _Plan) -> None:
        """The records are committed: the world's head moves, and what was logged since its
        last snapshot is counted (only now, so that a batch that lost a race is not)."""
        loaded.head = plan.records[-1]
        if plan.snapshot is not None:
            self._snapshot_bytes[world], self._logged_since[world] = len(plan.snapshot.body), 0
        else:
            self._logged_since[world] = self._logged_since.get(world, 0) + _weight(plan.records)

    # -- reading ------------------------------------------------------------------------------

    def events_of(self, world: str, outcome: Accepted | Replayed) -> list[Event]:
        if isinstance(outcome, Accepted):
            return outcome.events
        return list(
            self.log(world, outcome.first_seq - 1, outcome.last_seq - outcome.first_seq + 1)
        )

    def log(self, world: str, after: int = 0, limit: int | None = None) -> Iterator[Event]:
        """The stored events after a seq, each checked in the chain from the one before."""
        return (event for event, _ in self._checked(world, after, limit))

    def records(self, world: str, after: int = 0, limit: int | None = None) -> Iterator[Record]:
        """The stored records after a seq (a live feed's page), checked as `log` reads them."""
        return (record for _, record in self._checked(world, after, limit))

    def _checked(self, world: str, after: int, limit: int | None) -> Iterator[tuple[Event, Record]]:
        until = after + limit if limit is not None else None
        records = self.store.read(world, max(after - 1, 0), until_seq=until)
        return read_checked(records, world, after, anchored=after > 0)

    def verify(self, world: str, progress: Progress | None = None) -> Verdict | Refusal:
        """CHAIN-1, CHAIN-2 and INVARIANT-1 over the stored log and its snapshots: the first
        record whose bytes, order or consequences are wrong."""
        recorded = self.store.recorded_head(world)
        if recorded is None:
            return refuse("ID-3", f"no world {world!r} in this store")
        return audit(world, self.store.read(world), self.store.snapshots(world), recorded, progress)

    def export(self, world: str) -> Iterator[bytes]:
        """The log as JSON lines: each event's canonical JSON, the bytes its hash seals, each
        checked in the chain as it is read."""
        for _, record in read_checked(self.store.read(world), world):
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
        return self.adopt(new, list(self._events_by(world, 0, instant)))

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
        except Corrupt as error:
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
            except DECODING_ERRORS as error:
                return refuse("CMD-1", f"line {number}: not an event ({error})")
        if not events:
            return refuse("CMD-1", "no event to import")
        return self.adopt(world or events[0].world, events, progress)


def _weight(records: list[Record]) -> int:
    return sum(len(record.body) for record in records)
