"""The service's part of an operator's work, on every store: commands without an instant
(TIME-4), archived worlds (WORLD-2), deleted worlds, revoked tokens, and what it reports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from test_service import at, cast

from hightable.core import Accepted, Refusal, Replayed
from hightable.service import WorldService
from hightable.service.observer import Observer
from hightable.store import MemoryStore, open_store

LATER = "2030-01-01T00:00:00Z"


@contextmanager
def serving(url: str, **options: Any) -> Iterator[WorldService]:
    store = open_store(url)
    try:
        yield WorldService(store, **options)
    finally:
        store.close()


class Counting(Observer):
    def __init__(self) -> None:
        self.commands: list[tuple[str, str]] = []
        self.appends = 0
        self.groups = 0

    def command(self, outcome: str, rule: str) -> None:
        self.commands.append((outcome, rule))

    def appended(self, seconds: float, records: int) -> None:
        assert seconds >= 0 and records > 0
        self.appends += 1

    def group_committed(self, seconds: float, commands: int) -> None:
        assert seconds >= 0 and commands > 0
        self.groups += 1


def test_time_4_a_command_without_at_happens_now_or_at_the_clock(store_url: str) -> None:
    with serving(store_url) as service:
        cast(service)
        now = "2019-05-17T18:00:00Z"
        tick = {"by": "table", "do": "tick"}
        accepted = service.execute("w", dict(tick), now=now)
        assert isinstance(accepted, Accepted)
        assert now == service.state("w").clock  # type: ignore[union-attr]
        ahead = service.execute("w", {**tick, "at": LATER})
        assert isinstance(ahead, Accepted)
        # The server's clock is behind the world's: the command happens at the world's clock.
        assert isinstance(service.execute("w", dict(tick), now=now), Accepted)
        assert LATER == service.state("w").clock  # type: ignore[union-attr]
        # Each of a batch in its turn, after the one before; an explicit instant is kept.
        batch = service.execute_batch(
            "w", [{**tick, "at": "2030-01-01T00:05:00Z"}, dict(tick)], now=now
        )
        assert batch.applied and "2030-01-01T00:05:00Z" == service.state("w").clock  # type: ignore[union-attr]
        # TIME-1 still refuses an explicit instant before the clock.
        late = service.execute("w", {**tick, "at": at(30)}, now=now)
        assert isinstance(late, Refusal) and "TIME-1" == late.rule
        # Without a clock from the door, `at` is required, as in the core (CMD-1).
        missing = service.execute("w", dict(tick))
        assert isinstance(missing, Refusal) and "CMD-1" == missing.rule


def test_world_2_an_archived_world_refuses_every_command_and_is_not_listed(
    store_url: str,
) -> None:
    with serving(store_url) as service:
        cast(service)
        service.set_public("w", True)
        service.set_archived("w", True)
        refused = service.execute("w", {"by": "table", "do": "tick", "at": at(10)})
        assert isinstance(refused, Refusal) and "WORLD-2" == refused.rule
        batch = service.execute_batch("w", [{"by": "table", "do": "tick", "at": at(10)}])
        assert not batch.applied and ["WORLD-2"] == [o.rule for o in batch.outcomes]  # type: ignore[union-attr]
        assert [] == service.public_worlds()
        assert 6 == service.state("w").seq  # type: ignore[union-attr]  (still readable)
        service.set_archived("w", False)
        assert isinstance(
            service.execute("w", {"by": "table", "do": "tick", "at": at(10)}), Accepted
        )
        assert ["w"] == [w.world for w in service.public_worlds()]


def test_a_deleted_world_is_forgotten_by_the_service_and_may_be_made_again(
    store_url: str,
) -> None:
    with serving(store_url, timelines=2) as service:
        cast(service)
        token = service.issue_token("w")
        service.state_at("w", at(2))
        assert (1, 1) == service.held_count()
        assert service.delete("w")
        assert (0, 0) == service.held_count()
        assert not service.delete("w")
        assert service.world_refusal("w") is not None
        assert service.token_holder("w", token) is None
        assert not isinstance(service.create("w", LATER), Refusal)
        assert LATER == service.state("w").clock  # type: ignore[union-attr]


def test_a_revoked_token_is_refused_and_stays_listed(store_url: str) -> None:
    with serving(store_url) as service:
        cast(service)
        table = service.issue_token("w", label="game master")
        john = service.issue_token("w", "john")
        listed = service.tokens("w")
        assert {("table", "game master"), ("john", "")} == {(t.holder, t.label) for t in listed}
        assert all(t.issued_at and t.id not in (table, john) for t in listed)
        assert service.revoke_token("w", next(t.id for t in listed if t.holder == "john"))
        assert service.token_holder("w", john) is None
        assert "table" == service.token_holder("w", table)
        revoked = {t.holder: t.revoked_at is not None for t in service.tokens("w")}
        assert {"table": False, "john": True} == revoked


def test_the_observer_hears_every_outcome_append_and_group(store_url: str) -> None:
    observer = Counting()
    with serving(store_url, observer=observer) as service:
        cast(service)
        service.execute(
            "w", {"by": "john", "do": "transfer", "to": "winston", "amount": 1000, "at": at(9)}
        )
    assert [("accepted", "")] * 5 + [("refused", "COIN-2")] == observer.commands
    assert (5, 6) == (observer.appends, observer.groups)


def test_a_world_deleted_and_made_again_elsewhere_is_never_served_as_it_was(
    durable_url: str,
) -> None:
    """Another process deletes the world this one holds, and makes it again (shorter): this one
    serves the new world, never the old world's members."""
    with serving(durable_url) as here, serving(durable_url) as elsewhere:
        cast(here)
        assert {"john", "winston", "elder"} == set(here.state("w").members)  # type: ignore[union-attr]
        assert elsewhere.delete("w")
        assert here.world_refusal("w") is not None
        assert isinstance(here.state("w"), Refusal)
        assert not isinstance(elsewhere.create("w", LATER), Refusal)
        state = here.state("w")
        assert not isinstance(state, Refusal)
        assert (1, LATER, {}) == (state.seq, state.clock, dict(state.members))


class DeletedAsItAppends(MemoryStore):
    """A store whose world another process deletes between a command's load and its append."""

    def append(self, world: str, records: Any, snapshot: Any = None) -> None:
        self.delete_world(world)
        super().append(world, records, snapshot)


def test_a_command_to_a_world_deleted_in_flight_is_refused_as_no_world() -> None:
    store = DeletedAsItAppends()
    service = WorldService(store)
    assert not isinstance(service.create("w", LATER), Refusal)
    outcome = service.execute("w", {"by": "table", "do": "tick", "at": LATER})
    assert isinstance(outcome, Refusal) and "ID-3" == outcome.rule
    assert service.world_refusal("w") is not None


def test_time_4_a_retry_without_at_a_second_later_is_replayed_not_refused(
    store_url: str,
) -> None:
    """IDEM-1 with TIME-4: a command without `at` sent again under its cid (after a timeout,
    say) is the command the first one was, at the instant it took; another body is refused."""
    with serving(store_url) as service:
        cast(service)
        sent = {"by": "john", "do": "transfer", "to": "winston", "amount": 5, "cid": "pay-1"}
        first = service.execute("w", dict(sent), now="2019-05-17T18:00:00Z")
        assert isinstance(first, Accepted)
        again = service.execute("w", dict(sent), now="2019-05-17T18:00:07Z")
        assert isinstance(again, Replayed)
        assert 95 == service.state("w").balances["john"]  # type: ignore[union-attr]
        other = service.execute("w", {**sent, "amount": 6}, now="2019-05-17T18:00:09Z")
        assert isinstance(other, Refusal) and "IDEM-1" == other.rule


class AppendedAfterTheHead(MemoryStore):
    """Another process appends (with a snapshot) right after this one reads the world's head."""

    other: WorldService | None = None

    def recorded_head(self, world: str) -> tuple[int, str] | None:
        head = super().recorded_head(world)
        other, self.other = self.other, None
        if other is not None:
            tick = {"by": "table", "do": "register", "member": "late", "name": "late"}
            assert isinstance(other.execute(world, {**tick, "at": LATER}), Accepted)
        return head


def test_a_world_loaded_while_another_process_appends_a_snapshot_is_not_corrupt() -> None:
    """The head, the snapshot and the log are read in three statements: a snapshot newer
    than the head read before it is no corruption, and the world loads."""
    store = AppendedAfterTheHead()
    cast(WorldService(store))
    store.other = WorldService(store, snapshot_every=1)
    state = WorldService(store).state("w")
    assert not isinstance(state, Refusal)
    assert state.seq >= 6
