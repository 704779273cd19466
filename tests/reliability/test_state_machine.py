"""A stateful test: a stored world driven by commands of every kind, lawful and not, by every
kind of actor, with the clock jumping over deadlines. Most commands are drawn after reading the
live world (tests/moves.py), so that terms overlap, contracts pile up on one target and
deadlines fall together; the rest are drawn blind (tests/strategies.py). After every command
the books must balance, the indexes agree with their tables, a refusal must have changed
nothing, a revocation must undo only what was granted, the log must replay to the live world,
and the chain must verify."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from figures import FIGURES
from helpers import STATUSES, assert_books_balance, assert_indexes_hold
from hightable.checked import replay_checked
from hightable.core import Accepted, Refusal, Replayed, State, view
from hightable.core.instants import add_minutes
from hightable.service import WorldService
from hightable.store import open_store
from moves import DICE, MOVES, Dice
from revocations import GrantBook, interactions
from strategies import ACTORS, COMMANDS, FAMILY_SETUP, LATER_COMMANDS, MEMBERS, SETUP

WORLD = "machine"
START = "2019-05-17T17:00:00Z"
STEPS_PER_RUN = 100
RUNS = 70  # about 6,500 commands in all, besides each run's setup
# What a step does: a move read off the live world mostly; a blind command; the clock jumping.
STEP_KINDS = ["move"] * 13 + ["blind", "blind member", "deadlines", "hours"]


def frozen(service: WorldService) -> bytes:
    state = service.state(WORLD)
    assert not isinstance(state, Refusal)
    return msgspec.json.encode(state)


class StoredWorld(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = open_store("memory://")
        self.service = WorldService(self.store, snapshot_every=25)
        self.clock = START
        self.book = GrantBook()

    @initialize()
    def create(self) -> None:
        assert not isinstance(self.service.create(WORLD, START), Refusal)
        setup = [(actor, fields, 0, None) for actor, fields in SETUP] + FAMILY_SETUP
        for actor, fields, _, _ in setup:
            raw = {"by": actor, "at": self.clock, **fields}
            assert isinstance(self.service.execute(WORLD, raw), Accepted)

    def live(self) -> State:
        state = self.service.state(WORLD)
        assert not isinstance(state, Refusal)
        return state

    def send(self, actor: str, fields: dict[str, Any], cid: str | None = None) -> object:
        raw = {"by": actor, "at": self.clock, **fields} | ({"cid": cid} if cid else {})
        before = frozen(self.service)
        head = self.store.head(WORLD)
        outcome = self.service.execute(WORLD, raw)
        note(f"{raw} -> {type(outcome).__name__}")
        FIGURES.count("state machine steps")
        if isinstance(outcome, Refusal | Replayed):
            # A refused or repeated command changes nothing, in memory or on disk.
            assert before == frozen(self.service)
            assert head == self.store.head(WORLD)
            FIGURES.count("state machine refusals")
        else:
            assert isinstance(outcome, Accepted)
            self.book.observe(outcome.events)
            FIGURES.count("state machine events", len(outcome.events))
            for reached in interactions(outcome.events):
                FIGURES.count(f"state machine commands that {reached}")
        self.check()
        return outcome

    def check(self) -> None:
        """The books balance, the indexes hold, the log replays to the live world, the chain
        verifies."""
        state = self.live()
        assert_books_balance(state)
        assert_indexes_hold(state)
        assert {member["status"] for member in view(state)["members"].values()} <= STATUSES
        records = list(self.store.read(WORLD))
        assert self.service.verify(WORLD).ok  # type: ignore[union-attr]
        assert msgspec.json.encode(replay_checked(WORLD, records)) == frozen(self.service)

    @rule(data=st.data())
    def step(self, data: st.DataObject) -> None:
        dice = Dice(data.draw(DICE, label="dice"))  # one draw a step: drawing is the dear part
        kind = dice.pick(STEP_KINDS)
        if kind == "move":
            move = dice.pick(MOVES)
            self.advance(dice.pick([0, 0, 1, 5, 10, 20, 45, -5]))
            self.send(*move(dice, self.live()))
        elif kind == "blind":
            self.advance(dice.integer(-5, 45))
            cid = dice.pick([None, "a", "b"])
            self.send(dice.pick(ACTORS), data.draw(COMMANDS, label="command"), cid)
        elif kind == "blind member":
            self.advance(dice.integer(0, 40))
            self.send(dice.pick(MEMBERS), data.draw(LATER_COMMANDS, label="command"))
        else:
            self.time_passes(dice, kind)

    def advance(self, minutes: int) -> None:
        self.clock = add_minutes(self.clock, minutes)

    def time_passes(self, dice: Dice, kind: str) -> None:
        """The clock jumps to a deadline, or over several, or over hours; what falls before the
        next command falls with it, a tick or a move."""
        state = self.live()
        hours = [d.hour for d in state.duels.values() if d.state == "sanctioned" and d.hour]
        ahead = sorted({*state.deadlines.values(), *hours})
        if kind == "deadlines" and ahead:
            self.clock = max(self.clock, dice.pick(ahead))
            FIGURES.count("state machine jumps to a deadline")
        else:
            self.advance(60 * dice.integer(1, 72))
        if dice.chance(50):
            assert isinstance(self.send("table", {"do": "tick"}), Accepted | Refusal)
        else:
            self.send(*dice.pick(MOVES)(dice, self.live()))

    def teardown(self) -> None:
        FIGURES.count("state machine revocations that undid a grant", self.book.revocations)
        self.store.close()


StoredWorld.TestCase.settings = settings(
    max_examples=RUNS,
    stateful_step_count=STEPS_PER_RUN,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestStoredWorld = StoredWorld.TestCase
