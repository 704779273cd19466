"""One pass of a storm: commands sent to a WorldService over a memory store (through a
FaultyStore with faults), every promise of the ledger checked after each command.

The checks, after every command: the invariants hold (INVARIANT-1's kept totals); a refusal
changed nothing, neither the world nor the store's head; the engine refused no command as
breaking the books (INVARIANT-1) or as unsealable (FAULT-1), for that is the engine catching a
bug; and the world the process holds matches a replica that applies the newly stored records,
each checked in the chain: its seq, clock, totals and the size of every table after every
command, byte for byte every `FULL_EVERY` commands and at the end, with the totals recounted
from scratch (`recount`), so that a long storm does not slow with the size of its world. At
the end, `verify` over the whole log.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import cast

import msgspec

from hightable.checked import apply_checked
from hightable.core import Accepted, Event, Refusal, State
from hightable.core.invariants import ledger_problem, recount
from hightable.core.state import TABLES
from hightable.errors import Corrupt
from hightable.service import WorldService
from hightable.store import EventStore, open_store
from hightable.storm.faults import FaultyStore
from hightable.storm.shapes import Fields

BUGS_CAUGHT = ("INVARIANT-1", "FAULT-1")  # refusals that mean the engine caught a bug
FULL_EVERY = 100  # commands between two byte-for-byte comparisons of the world and its replica


@dataclass(frozen=True)
class Violation:
    """A broken promise: which check, at which command (its index), and what was seen."""

    check: str
    step: int
    detail: str
    rule: str | None = None  # the rule a command was refused with, if one was

    @property
    def key(self) -> tuple[str, str | None]:
        """What shrinking keeps: a shorter storm must break the same check the same way."""
        return self.check, self.rule

    def as_dict(self) -> Fields:
        return {"check": self.check, "rule": self.rule, "step": self.step, "detail": self.detail}


class Session:
    """A world stormed one command at a time, with everything it promises checked."""

    def __init__(self, world: str, events: list[Event], faults: float = 0.0, seed: int = 0):
        self.world = world
        self.inner = open_store("memory://")
        self.faulty = FaultyStore(self.inner, random.Random(seed), 0.0) if faults else None
        store = cast(EventStore, self.faulty) if self.faulty else self.inner
        self.service = WorldService(store)
        adopted = self.service.adopt(world, events)
        if isinstance(adopted, Refusal):
            raise ValueError(f"the storm cannot start from that log: {adopted}")
        replica, self.prev = apply_checked(world, self.inner.read(world))
        assert replica is not None  # the log holds at least its creation
        self.replica, self.seq = replica, replica.seq
        if self.faulty:
            self.faulty.rate = faults
        self.sent = self.accepted = self.faults = 0
        self.refused: Counter[str] = Counter()
        self.last = "none"  # the last outcome, in words, for the log

    def live(self) -> State:
        state = self.service.state(self.world)
        if isinstance(state, Refusal):
            raise RuntimeError(f"the stormed world cannot be read: {state}")
        return state

    def send(self, raw: Fields) -> Violation | None:
        """Execute one command and check every promise after it."""
        step, self.sent = self.sent, self.sent + 1
        head = self.inner.recorded_head(self.world)
        try:
            outcome: object = self.service.execute(self.world, raw)
        except BaseException as error:  # noqa: B036  (an injected fault may be of any type)
            if not (self.faulty and self.faulty.caused(error)):
                if isinstance(error, KeyboardInterrupt):
                    raise
                return Violation("no exception", step, f"{type(error).__name__}: {error}")
            self.faults += 1
            self.last, outcome = "fault", None
        if isinstance(outcome, Refusal):
            self.refused[outcome.rule] += 1
            self.last = f"refused {outcome.rule}"
            if outcome.rule in BUGS_CAUGHT:
                return Violation("no bug caught", step, str(outcome), outcome.rule)
            if head != self.inner.recorded_head(self.world):
                return Violation("a refusal changes nothing", step, "the store's head moved")
        elif isinstance(outcome, Accepted):
            self.accepted += 1
            self.last = "accepted"
        elif outcome is not None:
            self.last = "replayed"
        return self.check(step, outcome)

    def check(self, step: int, outcome: object) -> Violation | None:
        state, full = self.live(), (step + 1) % FULL_EVERY == 0
        problem = recount(state) if full else ledger_problem(state)
        if problem:
            return Violation("recount", step, problem)
        try:
            new = list(self.inner.read(self.world, self.seq))
            replica, self.prev = apply_checked(self.world, new, self.replica, self.prev)
        except Corrupt as error:
            return Violation("chain", step, str(error))
        assert replica is not None
        self.replica, self.seq = replica, self.seq + len(new)
        if not same(replica, state, full):
            if isinstance(outcome, Refusal):
                detail = f"refused {outcome.rule}, yet the world changed"
                return Violation("a refusal changes nothing", step, detail, outcome.rule)
            return Violation("replay equals live", step, "the stored log replays otherwise")
        return None

    def finish(self) -> Violation | None:
        """The world against its replica byte for byte, then the whole log verified, as
        `hightable verify` does."""
        state = self.live()
        problem = recount(state)
        if problem:
            return Violation("recount", self.sent, problem)
        if not same(self.replica, state, full=True):
            return Violation("replay equals live", self.sent, "the stored log replays otherwise")
        verdict = self.service.verify(self.world)
        if isinstance(verdict, Refusal) or not verdict.ok:
            return Violation("verify", self.sent, str(verdict))
        return None

    def close(self) -> None:
        self.inner.close()


def same(replica: State, state: State, full: bool) -> bool:
    """Whether the replica is the world: byte for byte, or by what a command always changes."""
    if full:
        return msgspec.json.encode(replica) == msgspec.json.encode(state)
    return outline(replica) == outline(state)


def outline(state: State) -> tuple[object, ...]:
    totals = (state.supply, state.escrow, state.balance_total, state.bounty_total)
    return (state.seq, state.clock, *totals, *(len(getattr(state, t)) for t in TABLES))
