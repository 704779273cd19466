"""Writing a world: the only path from a command to the log.

Load the world (`Loader`), let the core decide, check the ledger's invariants, seal the events
into the chain, append them (and a due snapshot with its seal, in the same append) with the seq
they must take, and only then answer. The world this process holds changes only under its lock,
and any failure between deciding and committing drops it, to be loaded again from the store:
what the process holds is always what the store holds. Two writers racing on one world never
share a seq: the loser catches up and decides again. Nothing here judges a rule: that is the
core's alone.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass

from hightable.checked import read_events
from hightable.core import (
    Accepted,
    Command,
    Event,
    Outcome,
    Refusal,
    create_world,
    decide,
    parse_command,
)
from hightable.core.chain import GENESIS, Record, seal, sealing
from hightable.core.engine import evolve_all
from hightable.core.invariants import check_ledger
from hightable.core.rules import refuse
from hightable.errors import (
    Archived,
    Conflict,
    HightableError,
    NoSuchWorld,
    StoreError,
    WorldExists,
)
from hightable.limits import conflict_retries_max
from hightable.service.clock import DefaultAt, defaulting_at
from hightable.service.held import Held, HeldWorlds, Loaded, Pending
from hightable.service.loading import Loader
from hightable.service.lookup import no_world
from hightable.service.observer import Observer, observe_outcomes
from hightable.service.policy import Plan, SnapshotPolicy
from hightable.store import EventStore

log = logging.getLogger("hightable")


@dataclass(frozen=True)
class Batch:
    """The outcomes of a batch of commands; `applied` is False when an atomic batch was refused."""

    outcomes: list[Outcome]
    applied: bool


class _Faulted(Exception):
    """One command of a batch could not be decided or sealed, or broke the ledger's invariants:
    it alone gets `outcome`, and the batch is decided again without it."""

    def __init__(self, index: int, outcome: Refusal) -> None:
        super().__init__(outcome.message)
        self.index, self.outcome = index, outcome


class Writer:
    def __init__(
        self,
        store: EventStore,
        held: HeldWorlds,
        loader: Loader,
        policy: SnapshotPolicy,
        observer: Observer | None = None,
    ) -> None:
        self.store, self.held, self.loader, self.policy = store, held, loader, policy
        self.observer = observer or Observer()
        # Told the world after each commit of this process (the live feeds wake on it).
        self.committed: list[Callable[[str], None]] = []

    # -- creating ------------------------------------------------------------------------------

    def create(self, world: str, start: object) -> Record | Refusal:
        """WORLD-1: a new world, its first event durable before this returns."""
        created = create_world(world, start)
        if isinstance(created, Refusal):
            return created
        state, event = created
        return self.create_from(world, state.start, [event])

    def create_from(self, world: str, start: str, events: Iterable[Event]) -> Record | Refusal:
        """A world with its log, the events sealed and stored as they come, in one transaction."""
        last: list[Record] = []

        def keeping_last(records: Iterable[Record]) -> Iterator[Record]:
            for record in records:
                last[:] = [record]
                yield record

        try:
            self.store.create_world(world, start, keeping_last(sealing(events, GENESIS)))
        except WorldExists:
            return refuse("WORLD-1", f"a world {world!r} exists already")
        return last[0]

    # -- deciding -----------------------------------------------------------------------------

    def execute(self, world: str, raw: object, now: str | None = None) -> Outcome:
        """One command: decided, sealed and durable before the outcome is returned. Without
        `at`, it happens at `now` or the world's clock, whichever is later (TIME-4).

        Group commit: commands that arrive from other threads while a transaction is under way
        queue up, and the next thread to hold the world's lock appends them all in one
        transaction, then hands each its outcome.
        """
        pending = Pending(defaulting_at(raw, now))
        with self.held.using(world, pending) as held:
            if not pending.done:
                started = time.perf_counter()
                size = self._commit_queued(world, held)
                self.observer.group_committed(time.perf_counter() - started, size)
        if isinstance(pending.outcome, HightableError):
            self.observer.command("failed", "STORE-1")
            raise pending.outcome
        assert pending.outcome is not None  # every member of a group is answered
        observe_outcomes(self.observer, [pending.outcome])
        return pending.outcome

    def _commit_queued(self, world: str, held: Held) -> int:
        """Commit what is queued for the world, under the store's lock on it, and say how many
        commands that was. Should the lock not be had, every command queued is answered with
        that failure: none was decided."""
        group: list[Pending] | None = None
        try:
            with self._writing(world):
                group = self.held.take_queue(held)
                self._commit_group(world, held, group)
                return len(group)
        except BaseException as error:
            if group is None:
                kind = type(error).__name__
                failed = StoreError(f"world {world}: its write lock failed ({kind})")
                for member in self.held.take_queue(held):
                    member.outcome, member.done = failed, True
            raise

    def _commit_group(self, world: str, held: Held, group: list[Pending]) -> None:
        """Decide and append a group; every member gets an outcome, or the error that stopped
        the whole group (the store's), whatever its type."""
        try:
            outcomes: list[Outcome | HightableError] = list(
                self._execute_locked(world, held, [p.raw for p in group], False).outcomes
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

    def execute_batch(
        self, world: str, raws: Iterable[object], atomic: bool = False, now: str | None = None
    ) -> Batch:
        """Many commands in one transaction (group commit), each decided after the one before.

        With `atomic`, one refusal refuses the whole batch and nothing is appended.
        """
        with self.held.using(world) as held, self._writing(world):
            try:
                batch = self._execute_locked(
                    world, held, [defaulting_at(raw, now) for raw in raws], atomic
                )
            except HightableError:
                self.observer.command("failed", "STORE-1")
                raise
        observe_outcomes(self.observer, batch.outcomes)
        return batch

    def execute_group(self, world: str, admit: Callable[[], list[object]]) -> list[Outcome]:
        """Commands sent one by one and gathered by the door while the world's last group was
        being committed: each decided after the one before, all in one transaction, each
        answered as if alone (one refused never holds back the others). `admit` gives those
        that may be sent, asked under the world's write lock (which a deletion takes too)."""
        started = time.perf_counter()
        with self.held.using(world) as held, self._writing(world):
            raws = admit()
            if not raws:  # every one refused: nothing to load, decide or count
                return []
            try:
                batch = self._execute_locked(world, held, raws, False)
            except HightableError:
                for _ in raws:
                    self.observer.command("failed", "STORE-1")
                raise
        self.observer.group_committed(time.perf_counter() - started, len(raws))
        observe_outcomes(self.observer, batch.outcomes)
        return batch.outcomes

    def _writing(self, world: str) -> AbstractContextManager[object]:
        """The store's lock on the world, across processes: taken after this process's own
        (so that the commands queued meanwhile join the group), before catching up."""
        return self.store.writing(world)

    def _execute_locked(
        self, world: str, held: Held, raws: Iterable[object], atomic: bool
    ) -> Batch:
        commands = [raw if isinstance(raw, DefaultAt) else parse_command(raw) for raw in raws]
        faults: dict[int, Refusal] = {}
        conflicts = 0
        while True:
            loaded = self.loader.load(world, held)
            if isinstance(loaded, Refusal):
                return Batch([loaded] * len(commands), False)
            try:
                plan = self._plan(world, held, loaded, commands, faults)
            except _Faulted as fault:  # that command alone is answered; the rest decided again
                held.loaded = None
                faults[fault.index] = fault.outcome
                continue
            except BaseException:
                held.loaded = None
                raise
            refused = any(isinstance(o, Refusal) for o in plan.outcomes)
            if atomic and refused or not plan.records:
                if plan.records:
                    held.loaded = None  # decided, never stored: load it afresh next time
                return Batch(plan.outcomes, not (atomic and refused))
            try:
                appended = self._append(world, held, plan)
            except Archived:  # read in the append's own transaction: nothing was stored
                archived = refuse("WORLD-2", f"the world {world!r} is archived: read-only")
                return Batch([archived] * len(commands), False)
            except NoSuchWorld:  # deleted since it was loaded, by another process: ID-3
                return Batch([no_world(world)] * len(commands), False)
            if appended:
                loaded.head = plan.records[-1]
                self.policy.committed(held, plan)
                self._tell(world)
                return Batch(plan.outcomes, True)
            conflicts += 1
            if conflicts >= conflict_retries_max:
                raise StoreError(f"world {world}: gave up after {conflicts} conflicts")
            # The random wait keeps two writers from colliding in lockstep forever.
            time.sleep(random.uniform(0, min(0.05, 0.0005 * 2**conflicts)))

    def _tell(self, world: str) -> None:
        for hook in self.committed:
            try:
                hook(world)
            except Exception:  # a listener's failure is never the command's
                log.exception("world %s: a listener of commits failed", world)

    def _append(self, world: str, held: Held, plan: Plan) -> bool:
        """Append the plan's records and snapshot; False if another writer took the seq."""
        started = time.perf_counter()
        try:
            self.store.append(world, plan.records, plan.snapshot)
            self.observer.appended(time.perf_counter() - started, len(plan.records))
        except Conflict:
            held.loaded = None  # another writer took the seq: catch up and decide again
            return False
        except BaseException:
            held.loaded = None  # the outcome is unknown: load it afresh next time
            raise
        return True

    def _recall(self, world: str, seq: int) -> Event | None:
        """The stored event at `seq` (read through the chain from the record before it), for
        an IDEM-1 refusal's words; None if it is not stored yet or cannot be read."""
        try:
            records = self.store.read(world, max(seq - 2, 0), until_seq=seq)
            events = list(read_events(records, world, seq - 1, anchored=seq > 1))
        except HightableError:
            return None
        return events[-1] if events and events[-1].seq == seq else None

    def _plan(
        self,
        world: str,
        held: Held,
        loaded: Loaded,
        commands: list[Command | Refusal | DefaultAt],
        faults: dict[int, Refusal],
    ) -> Plan:
        """Decide each command on the world's state, after the one before; check the ledger's
        invariants after each accepted one (INVARIANT-1) and seal its events."""
        plan, state = Plan(), loaded.state
        prev = bytes.fromhex(loaded.head.hash)
        planned: dict[int, Event] = {}  # accepted earlier in this group, not yet stored

        def recall(seq: int) -> Event | None:
            # A retry in the group of its first finds the first here, not yet in the log.
            return planned[seq] if seq in planned else self._recall(world, seq)

        for index, sent in enumerate(commands):
            command = sent.parse(state, recall) if isinstance(sent, DefaultAt) else sent
            if index in faults or isinstance(command, Refusal):
                plan.outcomes.append(faults.get(index) or command)  # type: ignore[arg-type]
                continue
            try:
                outcome = decide(state, command, recall)
                if isinstance(outcome, Accepted):
                    evolve_all(state, outcome.events)
                    broken = check_ledger(state)
                    if broken:
                        log.critical("world %s: %s: %s", world, command.do, broken)
                        raise _Faulted(index, broken)
                    records = seal(outcome.events, prev)
                    prev = bytes.fromhex(records[-1].hash)
                    plan.records += records
                    planned.update((event.seq, event) for event in outcome.events)
            except Exception as error:
                if isinstance(error, _Faulted):
                    raise
                log.exception("world %s: %s could not be decided or sealed", world, command.do)
                message = f"{command.do} could not be decided or sealed ({type(error).__name__})"
                raise _Faulted(index, refuse("FAULT-1", message)) from error
            plan.outcomes.append(outcome)
        if plan.records:
            self.policy.seal_into(world, held, loaded, plan)
        return plan
