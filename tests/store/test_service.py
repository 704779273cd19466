"""Worlds in a store: durable commands, restarts, snapshots, racing writers, time travel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import msgspec
import pytest

from hightable.core import Accepted, Refusal, Replayed, decode_event, view
from hightable.core.instants import add_minutes
from hightable.errors import Conflict, Corrupt
from hightable.service import WorldService
from hightable.store import EventStore, open_store

START = "2019-05-17T17:00:00Z"


def at(minute: int) -> str:
    return add_minutes(START, minute)


def cast(service: WorldService, world: str = "w") -> None:
    assert not isinstance(service.create(world, START), Refusal)
    for minute, member in enumerate(("john", "winston", "elder"), start=1):
        service.execute(
            world,
            {"by": "table", "do": "register", "member": member, "name": member, "at": at(minute)},
        )
    service.execute(
        world, {"by": "table", "do": "appoint", "member": "elder", "office": "elder", "at": at(4)}
    )
    service.execute(world, {"by": "table", "do": "mint", "to": "john", "amount": 100, "at": at(5)})


def test_a_command_round_trip_is_durable(store_url: str) -> None:
    """Accepted: in the store before the outcome returns; refused: nothing appended."""
    with open_store(store_url) as store:
        service = WorldService(store)
        cast(service)
        accepted = service.execute(
            "w", {"by": "john", "do": "transfer", "to": "winston", "amount": 30, "at": at(6)}
        )
        assert isinstance(accepted, Accepted)
        assert accepted.events[-1].seq == store.head("w").seq  # type: ignore[union-attr]
        refused = service.execute(
            "w", {"by": "john", "do": "transfer", "to": "winston", "amount": 300, "at": at(7)}
        )
        assert isinstance(refused, Refusal) and "COIN-2" == refused.rule
        assert accepted.events[-1].seq == store.head("w").seq  # type: ignore[union-attr]


def test_world_1_and_id_3_for_worlds(store_url: str) -> None:
    """WORLD-1: a world id is created once; a command to an unknown world is ID-3."""
    with open_store(store_url) as store:
        service = WorldService(store)
        cast(service)
        again = service.create("w", START)
        assert isinstance(again, Refusal) and "WORLD-1" == again.rule
        unknown = service.execute("nowhere", {"by": "table", "do": "tick", "at": at(1)})
        assert isinstance(unknown, Refusal) and "ID-3" == unknown.rule


def test_the_view_after_a_restart_equals_the_view_before(durable_url: str) -> None:
    """A new process (a new store object and service) sees exactly the same world."""
    with open_store(durable_url) as store:
        service = WorldService(store)
        cast(service)
        service.execute(
            "w",
            {
                "by": "elder",
                "do": "excommunicate",
                "member": "john",
                "grace": 60,
                "reason": "r",
                "at": at(6),
            },
        )
        before = view(service.state("w"))  # type: ignore[arg-type]
    with open_store(durable_url) as store:
        after = view(WorldService(store).state("w"))  # type: ignore[arg-type]
    assert before == after


def test_idem_1_a_retry_after_a_restart_returns_the_first_outcome(durable_url: str) -> None:
    """IDEM-1 survives a restart: the cid lives in the log."""
    command = {
        "by": "john",
        "do": "transfer",
        "to": "winston",
        "amount": 5,
        "at": at(6),
        "cid": "pay-1",
    }
    with open_store(durable_url) as store:
        service = WorldService(store)
        cast(service)
        first = service.execute("w", command)
    with open_store(durable_url) as store:
        service = WorldService(store)
        retry = service.execute("w", command)
        assert isinstance(retry, Replayed) and isinstance(first, Accepted)
        assert first.events == service.events_of("w", retry)
        assert 95 == service.state("w").balances["john"]  # type: ignore[union-attr]


def test_a_racing_writer_loses_its_seq_and_decides_again(store_url: str) -> None:
    """Two writers on one world: the second decides on the new state; no seq shared, none lost."""
    with open_store(store_url) as store:
        first, second = WorldService(store), WorldService(store)
        cast(first)
        second.state("w")  # the second writer has loaded the world...
        first.execute(
            "w", {"by": "john", "do": "transfer", "to": "winston", "amount": 60, "at": at(6)}
        )
        # ...and now judges against the new state: John holds 40, not 100.
        refused = second.execute(
            "w", {"by": "john", "do": "transfer", "to": "winston", "amount": 60, "at": at(7)}
        )
        assert isinstance(refused, Refusal) and "COIN-2" == refused.rule
        accepted = second.execute(
            "w", {"by": "john", "do": "transfer", "to": "winston", "amount": 40, "at": at(8)}
        )
        assert isinstance(accepted, Accepted)
        assert list(range(1, 9)) == [r.seq for r in store.read("w")]
        assert first.verify("w").ok  # type: ignore[union-attr]


class RivalFirst:
    """A store through which, just before each append, a rival writer appends first."""

    def __init__(self, store: EventStore, rival: Callable[[], object]) -> None:
        self.store, self.rival, self.conflicts = store, rival, 0

    def append(self, world: str, records: Any, snapshot: Any = None) -> None:
        if self.conflicts < 2:
            self.rival()
        try:
            self.store.append(world, records, snapshot)
        except Conflict:
            self.conflicts += 1
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_a_writer_that_loses_the_race_at_append_decides_again(store_url: str) -> None:
    """Conflict at append: the loser catches up, re-decides on the new state, and is not lost."""
    with open_store(store_url) as store:
        rival = WorldService(store)
        cast(rival)
        minutes = iter(range(6, 100))
        racing = RivalFirst(
            store,
            lambda: rival.execute(
                "w",
                {
                    "by": "john",
                    "do": "transfer",
                    "to": "winston",
                    "amount": 30,
                    "at": at(next(minutes)),
                },
            ),
        )
        loser = WorldService(racing)  # type: ignore[arg-type]
        outcome = loser.execute(
            "w", {"by": "john", "do": "transfer", "to": "elder", "amount": 30, "at": at(50)}
        )
        assert 2 == racing.conflicts
        assert isinstance(outcome, Accepted)  # 100 - 30 - 30 leaves 40: still lawful
        again = loser.execute(
            "w", {"by": "john", "do": "transfer", "to": "elder", "amount": 30, "at": at(51)}
        )
        assert isinstance(again, Refusal) and "COIN-2" == again.rule  # only 10 left
        assert list(range(1, 10)) == [r.seq for r in store.read("w")]
        assert rival.verify("w").ok  # type: ignore[union-attr]


def test_group_commit_each_on_its_own_or_all_or_nothing(store_url: str) -> None:
    """A batch shares one transaction; atomic batches append nothing if one command is refused."""
    with open_store(store_url) as store:
        service = WorldService(store)
        cast(service)
        pay = {"by": "john", "do": "transfer", "to": "winston", "amount": 40}
        batch = service.execute_batch(
            "w", [{**pay, "at": at(6)}, {**pay, "at": at(7)}, {**pay, "at": at(8)}]
        )
        assert batch.applied
        assert ["Accepted", "Accepted", "Refusal"] == [type(o).__name__ for o in batch.outcomes]
        head = store.head("w").seq  # type: ignore[union-attr]
        atomic = service.execute_batch(
            "w",
            [{**pay, "amount": 10, "at": at(9)}, {**pay, "amount": 50, "at": at(9)}],
            atomic=True,
        )
        assert not atomic.applied and head == store.head("w").seq  # type: ignore[union-attr]
        assert 20 == service.state("w").balances["john"]  # type: ignore[union-attr]


def test_snapshots_change_no_answer(store_url: str) -> None:
    """Views at every instant are the same with snapshots, without, and after dropping them."""
    with open_store(store_url) as store:
        service = WorldService(store, snapshot_every=7)
        cast(service)
        for minute in range(6, 60):
            service.execute(
                "w",
                {"by": "john", "do": "transfer", "to": "winston", "amount": 1, "at": at(minute)},
            )
            if minute == 20:
                service.execute(
                    "w",
                    {
                        "by": "elder",
                        "do": "excommunicate",
                        "member": "john",
                        "grace": 15,
                        "reason": "r",
                        "at": at(minute),
                    },
                )
        assert store.latest_snapshot("w") is not None
        instants = [at(minute) for minute in range(0, 60, 3)]
        with_snapshots = [view(WorldService(store).state_at("w", i)) for i in instants]  # type: ignore[arg-type]
        store.drop_snapshots()
        without = [view(WorldService(store).state_at("w", i)) for i in instants]  # type: ignore[arg-type]
        assert with_snapshots == without
        assert "excommunicado" == with_snapshots[-1]["members"]["john"]["status"]
        assert "active" == with_snapshots[11]["members"]["john"]["status"]  # 17:33, before 17:35


def test_drop_snapshots_forgets_one_worlds_snapshots_and_no_answer(store_url: str) -> None:
    """The facade drops the named world's snapshots, not the other's; its views are the same."""
    with open_store(store_url) as store:
        service = WorldService(store, snapshot_every=7)
        for world in ("w", "v"):
            cast(service, world)
            for minute in range(6, 20):
                transfer = {"by": "john", "do": "transfer", "to": "winston", "amount": 1}
                service.execute(world, {**transfer, "at": at(minute)})
        before = view(WorldService(store).state_at("w", at(15)))  # type: ignore[arg-type]
        service.drop_snapshots("w")
        assert (None, True) == (store.latest_snapshot("w"), store.latest_snapshot("v") is not None)
        assert before == view(WorldService(store).state_at("w", at(15)))  # type: ignore[arg-type]


def test_time_3_views_outside_the_worlds_time(store_url: str) -> None:
    """TIME-3 holds for stored worlds too."""
    with open_store(store_url) as store:
        service = WorldService(store)
        cast(service)
        refusal = service.state_at("w", at(90))
        assert isinstance(refusal, Refusal) and "TIME-3" == refusal.rule


def test_fork_export_and_import(store_url: str) -> None:
    """A fork holds the log up to its instant; an export imported elsewhere is the same world."""
    with open_store(store_url) as store:
        service = WorldService(store)
        cast(service)
        service.execute(
            "w", {"by": "john", "do": "transfer", "to": "winston", "amount": 10, "at": at(30)}
        )
        fork = service.fork("w", "what-if", at(10))
        assert not isinstance(fork, Refusal)
        forked = service.state("what-if")
        assert 100 == forked.balances["john"]  # type: ignore[union-attr]
        assert "what-if" == forked.world  # type: ignore[union-attr]
        assert service.verify("what-if").ok  # type: ignore[union-attr]
        lines = list(service.export("w"))
        assert not isinstance(service.import_lines("copy", lines), Refusal)
        assert msgspec.json.encode(service.state("w").members) == msgspec.json.encode(
            service.state("copy").members
        )  # type: ignore[union-attr]
        refused = service.import_lines("copy", lines)
        assert isinstance(refused, Refusal) and "WORLD-1" == refused.rule
        broken = service.import_lines("broken", lines[:2] + lines[3:])
        assert isinstance(broken, Refusal) and "CHAIN-1" == broken.rule


def test_an_imported_log_whose_instants_go_back_is_refused(store_url: str) -> None:
    """CHAIN-1: a log's instants never go back; one that does cannot be any world's log."""
    with open_store(store_url) as store:
        service = WorldService(store)
        cast(service)
        service.execute("w", {"by": "table", "do": "tick", "at": at(30)})
        lines = list(service.export("w"))
        events = [msgspec.json.decode(line) for line in lines]
        events[-1]["at"] = at(-1)  # the tick, now before the world's start
        backwards = [msgspec.json.encode(event) for event in events]
        refused = service.import_lines("backwards", backwards)
        assert isinstance(refused, Refusal) and "CHAIN-1" == refused.rule
        assert "before the clock" in refused.message
        assert not isinstance(service.import_lines("copy", lines), Refusal)


class LosingEveryOtherRace:
    """A store where every other append loses the race for its seq, as to another writer."""

    def __init__(self, store: EventStore) -> None:
        self.store, self.attempts = store, 0
        self.snapshots: list[tuple[int, int]] = []  # (seq, bytes) of each snapshot stored

    def append(self, world: str, records: Any, snapshot: Any = None) -> None:
        self.attempts += 1
        if self.attempts % 2 == 0:
            raise Conflict(world, records[0].seq, records[0].seq)
        self.store.append(world, records, snapshot)
        if snapshot is not None:
            self.snapshots.append((snapshot.seq, len(snapshot.body)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_snapshots_never_outweigh_the_log_that_was_committed() -> None:
    """A big state is snapshotted again only once the events committed since its last snapshot
    weigh as much as it; the events of a batch that lost a race were never logged."""
    with open_store("memory://") as memory:
        store = LosingEveryOtherRace(memory)
        service = WorldService(store, snapshot_every=10)  # type: ignore[arg-type]
        cast(service)
        crowd = [
            {"by": "table", "do": "register", "member": f"m{n:02d}", "name": "M", "at": at(5)}
            for n in range(60)
        ]
        service.execute_batch("w", crowd)
        for minute in range(6, 306):
            payer, payee = ("winston", "john") if minute % 2 else ("john", "winston")
            transfer = {"by": payer, "do": "transfer", "to": payee, "amount": 1, "at": at(minute)}
            outcome = service.execute("w", transfer)
            assert isinstance(outcome, Accepted), outcome
        weights = {record.seq: len(record.body) for record in memory.read("w")}
        assert len(store.snapshots) >= 3
        for (seq, size), (next_seq, _) in pairwise(store.snapshots):
            logged = sum(weights[s] for s in range(seq + 1, next_seq + 1))
            assert logged >= size, (seq, next_seq, logged, size)


def test_a_tampered_store_is_refused_on_load(durable_url: str) -> None:
    """A stored event whose bytes changed stops the load loudly, naming the seq."""
    with open_store(durable_url) as store:
        cast(WorldService(store))
        store._run(
            lambda c: c.execute(
                store._sql("UPDATE events SET body = ? WHERE world = 'w' AND seq = 6"),
                (b'{"seq":6}',),
            )
        )  # type: ignore[attr-defined]
        with pytest.raises(Corrupt, match="seq 6"):
            WorldService(store).state("w")


class CountingAppends:
    """A store that counts its append transactions."""

    def __init__(self, store: EventStore) -> None:
        self.store, self.appends = store, 0

    def append(self, world: str, records: Any, snapshot: Any = None) -> None:
        self.appends += 1
        time.sleep(0.002)  # a commit takes time; commands pile up behind it
        self.store.append(world, records, snapshot)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def test_group_commit_of_commands_arriving_together(store_url: str) -> None:
    """Threads sending at once share transactions; every acknowledged command is in the log."""
    with open_store(store_url) as store:
        cast(WorldService(store))
        counting = CountingAppends(store)
        service = WorldService(counting)  # type: ignore[arg-type]
        acknowledged: list[str] = []

        def send(thread: int) -> None:
            for number in range(25):
                cid = f"t{thread}-{number}"
                command = {
                    "by": "john",
                    "do": "aid",
                    "member": "winston",
                    "help": cid,
                    "at": at(9),
                    "cid": cid,
                }
                if isinstance(service.execute("w", command), Accepted):
                    acknowledged.append(cid)

        threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert 200 == len(acknowledged)
        assert counting.appends < 200  # commands shared transactions
        logged = {decode_event(r.body).cid for r in store.read("w")} - {None}
        assert set(acknowledged) == logged
        assert service.verify("w").ok  # type: ignore[union-attr]
