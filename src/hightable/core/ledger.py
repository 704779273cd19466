"""A world kept in memory: its state, its log and its chain, and views as of any instant.

This is what a story plays into and what every store wraps; it does no I/O of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hightable.core.chain import GENESIS, Record, Verdict, seal, verify
from hightable.core.engine import (
    Accepted,
    Draft,
    Outcome,
    Replayed,
    evolve_all,
    fall_deadlines,
    handle,
)
from hightable.core.events import Event
from hightable.core.invariants import check_ledger
from hightable.core.rules import Refusal, refuse
from hightable.core.state import State
from hightable.core.view import Document, view
from hightable.core.world import create_world, replay


class Ledger:
    """One world: append-only events, each sealed into the chain as it is accepted."""

    def __init__(self, events: Sequence[Event]):
        self.events: list[Event] = list(events)
        self.state: State = replay(self.events)
        self.records: list[Record] = seal(self.events, GENESIS)

    @classmethod
    def create(cls, world: object, start: object) -> Ledger | Refusal:
        created = create_world(world, start)
        if isinstance(created, Refusal):
            return created
        return cls([created[1]])

    @property
    def head(self) -> bytes:
        return bytes.fromhex(self.records[-1].hash) if self.records else GENESIS

    def execute(self, raw: object) -> Outcome:
        """Judge a command and, if it is accepted and the books still balance after it
        (INVARIANT-1), append its events."""
        outcome = handle(self.state, raw, self.recall)
        if isinstance(outcome, Accepted):
            return self.append(outcome.events) or outcome
        return outcome

    def recall(self, seq: int) -> Event | None:
        return self.events[seq - 1] if 0 < seq <= len(self.events) else None

    def append(self, events: Iterable[Event]) -> Refusal | None:
        """Seal events, apply them, and keep them only if the books still balance
        (INVARIANT-1); otherwise the world is rebuilt from the events it kept: nothing
        changes."""
        new = list(events)
        records = seal(new, self.head)  # first: an event that cannot be sealed changes nothing
        try:
            evolve_all(self.state, new)
            broken = check_ledger(self.state)
        except BaseException:
            self.state = replay(self.events)
            raise
        if broken:
            self.state = replay(self.events)
            return broken
        self.records += records
        self.events += new
        return None

    def events_of(self, outcome: Accepted | Replayed) -> list[Event]:
        if isinstance(outcome, Accepted):
            return outcome.events
        return self.events[outcome.first_seq - 1 : outcome.last_seq]

    def state_at(self, instant: str | None = None) -> State | Refusal:
        """The world as of an instant, with every deadline that fell by then (TIME-2)."""
        if instant is None or instant == self.state.clock:
            return self.state
        return state_as_of(self.events, instant)

    def view(self, instant: str | None = None) -> Document | Refusal:
        state = self.state_at(instant)
        return state if isinstance(state, Refusal) else view(state)

    def verify(self) -> Verdict:
        return verify(self.records)


def state_as_of(events: Sequence[Event], instant: str) -> State | Refusal:
    """Replay the events up to `instant`, then let the deadlines up to it fall (TIME-3)."""
    refusal = check_within(events[0].at, events[-1].at, instant)
    if refusal:
        return refusal
    return advance_to(replay(event for event in events if event.at <= instant), (), instant)


def check_within(start: str, clock: str, instant: str) -> Refusal | None:
    """TIME-3: a view is of an instant between the world's start and its clock."""
    if start <= instant <= clock:
        return None
    return refuse("TIME-3", f"{instant} is outside the world's time, {start} to {clock}")


def advance_to(state: State, events: Iterable[Event], instant: str) -> State:
    """Apply events (all at or before `instant`), let deadlines up to it fall, set the clock."""
    evolve_all(state, events)
    state, _ = fall_deadlines(state, instant, Draft(state, None, instant))
    state.clock = instant
    return state


class Worlds:
    """Many worlds in memory, by id (WORLD-1)."""

    def __init__(self) -> None:
        self.ledgers: dict[str, Ledger] = {}

    def create(self, world: str, start: object) -> Ledger | Refusal:
        if world in self.ledgers:  # WORLD-1
            return refuse("WORLD-1", f"a world {world!r} exists already")
        ledger = Ledger.create(world, start)
        if isinstance(ledger, Ledger):
            self.ledgers[world] = ledger
        return ledger

    def get(self, world: str) -> Ledger | Refusal:
        ledger = self.ledgers.get(world)
        return ledger if ledger else refuse("ID-3", f"no world {world!r}")
