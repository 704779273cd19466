"""A stateful test: a stored world driven by commands of every kind, lawful and not, by every
kind of actor, with the clock jumping over deadlines. Most commands are drawn after reading the
live world, so that terms overlap, contracts pile up on one target and deadlines fall
together; the rest are drawn blind (hightable.storm's generator, a seed a step). After each
the books must balance, the indexes agree with their tables, a refusal must have changed
nothing, a revocation must undo only what was granted, the log must replay to the live world,
and the chain must verify."""

from __future__ import annotations

import random
from typing import Any

import msgspec
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from figures import FIGURES
from helpers import STATUSES, assert_books_balance, assert_indexes_hold
from hightable.checked import replay_checked
from hightable.core import Accepted, Refusal, Replayed, State, view
from hightable.service import WorldService
from hightable.store import open_store
from hightable.storm.cast import FILMS
from hightable.storm.dice import Dice
from hightable.storm.generator import Generator
from revocations import GrantBook, interactions

WORLD = "machine"
START = "2019-05-17T17:00:00Z"
STEPS_PER_RUN = 100
RUNS = 70  # about 6,500 commands in all, besides each run's setup
SEED = st.integers(0, 2**32 - 1)  # one draw a step: drawing is the dear part


def frozen(service: WorldService) -> bytes:
    state = service.state(WORLD)
    assert not isinstance(state, Refusal)
    return msgspec.json.encode(state)


class StoredWorld(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.store = open_store("memory://")
        self.service = WorldService(self.store, snapshot_every=25)
        self.generator = Generator(START)
        self.book = GrantBook()

    @initialize()
    def create(self) -> None:
        assert not isinstance(self.service.create(WORLD, START), Refusal)
        for actor, fields in FILMS.setup():
            raw = {"by": actor, "at": START, **fields}
            assert isinstance(self.service.execute(WORLD, raw), Accepted)

    def live(self) -> State:
        state = self.service.state(WORLD)
        assert not isinstance(state, Refusal)
        return state

    def send(self, raw: dict[str, Any]) -> object:
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

    @rule(seed=SEED)
    def step(self, seed: int) -> None:
        """One command of the storm's generator, its choices all from this step's seed."""
        jumps = self.generator.jumps
        self.send(self.generator.step(Dice(random.Random(seed), FILMS), self.live()))
        FIGURES.count("state machine jumps to a deadline", self.generator.jumps - jumps)

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
