"""A stateful test: a stored world driven by random commands of every kind, lawful and not, by
every kind of actor, with the clock jumping over deadlines; after every step the books must
balance, a refusal must have changed nothing, the log must replay to the live world, and the
chain must verify."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from figures import FIGURES
from helpers import STATUSES, assert_books_balance
from hightable.checked import replay_checked
from hightable.core import Accepted, Refusal, Replayed, view
from hightable.core.instants import add_minutes
from hightable.service import WorldService
from hightable.store import open_store
from strategies import ACTORS, COMMANDS, FAMILY_SETUP, LATER_COMMANDS, MEMBERS, SETUP

WORLD = "machine"
START = "2019-05-17T17:00:00Z"
STEPS_PER_RUN = 100
RUNS = 130  # about 12,000 steps in all, besides each run's setup


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

    @initialize()
    def create(self) -> None:
        assert not isinstance(self.service.create(WORLD, START), Refusal)
        setup = [(actor, fields, 0, None) for actor, fields in SETUP] + FAMILY_SETUP
        for actor, fields, _, _ in setup:
            raw = {"by": actor, "at": self.clock, **fields}
            assert isinstance(self.service.execute(WORLD, raw), Accepted)

    def send(self, actor: str, fields: dict[str, Any], cid: str | None = None) -> object:
        raw = {"by": actor, "at": self.clock, **fields} | ({"cid": cid} if cid else {})
        before = frozen(self.service)
        head = self.store.head(WORLD)
        outcome = self.service.execute(WORLD, raw)
        FIGURES.count("state machine steps")
        if isinstance(outcome, Refusal | Replayed):
            # A refused or repeated command changes nothing, in memory or on disk.
            assert before == frozen(self.service)
            assert head == self.store.head(WORLD)
            FIGURES.count("state machine refusals")
        return outcome

    @rule(
        actor=st.sampled_from(ACTORS),
        fields=COMMANDS,
        minutes=st.integers(-5, 45),
        cid=st.sampled_from([None, "a", "b"]),
    )
    def any_command(
        self, actor: str, fields: dict[str, Any], minutes: int, cid: str | None
    ) -> None:
        self.clock = add_minutes(self.clock, minutes)
        self.send(actor, fields, cid)

    @rule(actor=st.sampled_from(MEMBERS), fields=LATER_COMMANDS, minutes=st.integers(0, 40))
    def a_member_acts(self, actor: str, fields: dict[str, Any], minutes: int) -> None:
        self.clock = add_minutes(self.clock, minutes)
        self.send(actor, fields)

    @rule(hours=st.integers(1, 72))
    def time_passes(self, hours: int) -> None:
        """The clock jumps over graces, deadlines and duel hours; they fall before the tick."""
        self.clock = add_minutes(self.clock, 60 * hours)
        assert isinstance(self.send("table", {"do": "tick"}), Accepted | Refusal)

    @invariant()
    def books_balance(self) -> None:
        state = self.service.state(WORLD)
        assert not isinstance(state, Refusal)
        assert_books_balance(state)
        assert {member["status"] for member in view(state)["members"].values()} <= STATUSES

    @invariant()
    def the_log_replays_to_the_live_world_and_verifies(self) -> None:
        records = list(self.store.read(WORLD))
        assert self.service.verify(WORLD).ok  # type: ignore[union-attr]
        assert msgspec.json.encode(replay_checked(WORLD, records)) == frozen(self.service)

    def teardown(self) -> None:
        self.store.close()


StoredWorld.TestCase.settings = settings(
    max_examples=RUNS,
    stateful_step_count=STEPS_PER_RUN,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestStoredWorld = StoredWorld.TestCase
