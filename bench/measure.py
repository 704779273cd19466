"""Each measurement: what it times, over what, and its rate. Setup is never inside the timer."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import msgspec
import psycopg

from bench import peer
from bench.workload import WORLD, Command, instant, transfers
from hightable.checked import replay_checked
from hightable.core import Accepted, Refusal
from hightable.core.chain import GENESIS, Record
from hightable.core.events import Event
from hightable.core.ledger import Ledger
from hightable.core.view import view
from hightable.core.world import replay
from hightable.service import WorldService
from hightable.store import open_store

START = instant(0)
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def median(runs: int, once: Callable[[], float]) -> float:
    """The median of several runs of `once`, which returns seconds."""
    return statistics.median(once() for _ in range(runs))


def timed(work: Callable[[], Any]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


# -- stores to measure in -----------------------------------------------------------------------


@contextmanager
def postgres_schemas(prefix: str) -> Iterator[Callable[[], str]]:
    """Fresh schemas on the loopback PostgreSQL, one per call, all dropped afterwards."""
    names: list[str] = []

    def fresh() -> str:
        name = f"{prefix}_{len(names)}"
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            connection.execute(f"CREATE SCHEMA {name}")
        names.append(name)
        return name

    try:
        yield fresh
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            for name in names:
                connection.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def postgres_url(schema: str) -> str:
    return f"{POSTGRES}?options=-csearch_path%3D{schema}"


# -- the core, in memory ------------------------------------------------------------------------


def core(commands: list[Command], runs: int) -> float:
    """Commands/s through decide + evolve + hash, in memory."""

    def once() -> float:
        ledger = Ledger.create(WORLD, START)
        assert isinstance(ledger, Ledger)
        return timed(lambda: [ledger.execute(command) for command in commands])

    return len(commands) / median(runs, once)


def transfer_commands(seed: int, accounts: int, count: int) -> tuple[list[Command], list[Command]]:
    """The peer's work as hightable commands: accounts opened (setup), then the transfers."""
    setup: list[Command] = []
    for n in range(1, accounts + 1):
        member = f"m{n:06d}"
        setup.append(
            {"by": "table", "do": "register", "at": START, "member": member, "name": member}
        )
        setup.append({"by": "table", "do": "mint", "at": START, "to": member, "amount": 1_000})
    work = [
        {"by": source, "do": "transfer", "at": START, "to": target, "amount": amount}
        for source, target, amount in transfers(seed, accounts, count)
    ]
    return setup, work


def core_transfers(seed: int, accounts: int, count: int, runs: int) -> float:
    setup, work = transfer_commands(seed, accounts, count)

    def once() -> float:
        ledger = Ledger.create(WORLD, START)
        assert isinstance(ledger, Ledger)
        for command in setup:
            ledger.execute(command)
        return timed(lambda: [ledger.execute(command) for command in work])

    return count / median(runs, once)


def peer_transfers(
    env: Callable[[], dict[str, Any]], seed: int, accounts: int, count: int, runs: int
) -> float:
    work = transfers(seed, accounts, count)

    def once() -> float:
        bank, ids = peer.bank(env(), accounts)
        return timed(lambda: peer.run_transfers(bank, ids, work))

    return count / median(runs, once)


# -- durable -------------------------------------------------------------------------------------


def durable(
    url: Callable[[], str], setup: list[Command], work: list[Command], batch: int, runs: int
) -> tuple[float, float]:
    """Commands/s and events/s stored durably, `batch` commands per transaction (1: one each)."""
    events: list[int] = []

    def once() -> float:
        with open_store(url()) as store:
            service = WorldService(store)
            service.create(WORLD, START)
            for group in chunks(setup, 1_000):
                service.execute_batch(WORLD, group)
            before = store.head(WORLD)
            began = time.perf_counter()
            if batch == 1:
                for command in work:
                    service.execute(WORLD, command)
            else:
                for group in chunks(work, batch):
                    service.execute_batch(WORLD, group)
            seconds = time.perf_counter() - began
            after = store.head(WORLD)
            assert before is not None and after is not None
            events.append(after.seq - before.seq)
            return seconds

    seconds = median(runs, once)
    return len(work) / seconds, statistics.median(events) / seconds


def group_records(
    url: str, setup: list[Command], work: list[Command], batch: int
) -> tuple[list[Record], list[int]]:
    """The records a group commit stores for the work, and the events of each transaction:
    what the floor inserts, cut the same way."""
    with open_store(url) as store:
        service = WorldService(store)
        service.create(WORLD, START)
        for group in chunks(setup, 1_000):
            service.execute_batch(WORLD, group)
        first = store.head(WORLD)
        assert first is not None
        sizes = []
        for group in chunks(work, batch):
            outcomes = service.execute_batch(WORLD, group).outcomes
            sizes.append(sum(len(o.events) for o in outcomes if isinstance(o, Accepted)))
        return list(store.read(WORLD, after=first.seq)), sizes


# -- the floor -----------------------------------------------------------------------------------


def hash_floor(events: list[Event], runs: int) -> float:
    """Events/s of the least a ledger must do: canonical JSON and a sha256 chain."""
    plain = [msgspec.to_builtins(event) for event in events]
    encoder = msgspec.json.Encoder(order="sorted")

    def chain() -> None:
        prev = GENESIS
        for item in plain:
            prev = hashlib.sha256(prev + encoder.encode(item)).digest()

    return len(events) / median(runs, lambda: timed(chain))


INSERT = (
    "INSERT INTO events (world, seq, at, type, body, hash) VALUES ({p}, {p}, {p}, {p}, {p}, {p})"
)


def insert_floor_sqlite(
    path: Callable[[], str], records: list[Record], sizes: list[int], runs: int
) -> float:
    """Events/s of a raw batched INSERT into the same table, with the same durability."""

    def once() -> float:
        file = path()
        open_store(f"sqlite:///{file}").close()  # the same schema, made by the store
        connection = sqlite3.connect(file, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        rows = [(WORLD, r.seq, r.at, r.type, r.body, r.hash) for r in records]
        began = time.perf_counter()
        for group in batches(rows, sizes):
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(INSERT.format(p="?"), group)
            connection.execute("COMMIT")
        seconds = time.perf_counter() - began
        connection.close()
        return seconds

    return len(records) / median(runs, once)


def insert_floor_postgres(
    url: Callable[[], str], records: list[Record], sizes: list[int], runs: int
) -> float:
    def once() -> float:
        store_url = url()
        open_store(store_url).close()
        rows = [(WORLD, r.seq, r.at, r.type, r.body, r.hash) for r in records]
        with psycopg.connect(store_url) as connection:
            began = time.perf_counter()
            for group in batches(rows, sizes):
                with connection.cursor() as cursor:
                    cursor.executemany(INSERT.format(p="%s"), group)
                connection.commit()
            return time.perf_counter() - began

    return len(records) / median(runs, once)


def batches(rows: list[Any], sizes: list[int]) -> Iterator[list[Any]]:
    """The rows cut as the group commit cut its transactions."""
    first = 0
    for size in sizes:
        if size:
            yield rows[first : first + size]
        first += size


# -- a long world --------------------------------------------------------------------------------


def build_world(url: str, commands: list[Command], snapshot_every: int) -> tuple[int, float]:
    """Store a long world, in transactions of 1,000 commands; its events and seconds."""
    with open_store(url) as store:
        service = WorldService(store, snapshot_every=snapshot_every)
        service.create(WORLD, START)
        seconds = timed(
            lambda: [service.execute_batch(WORLD, group) for group in chunks(commands, 1_000)]
        )
        head = service.store.head(WORLD)
        assert head is not None
        return head.seq, seconds


def view_at_random_instants(url: str, samples: int, seed: int, snapshots: bool) -> float:
    """Median seconds of a view as of a random instant, from a server that has the world loaded."""
    rng = random.Random(seed)
    with open_store(url) as store:
        service = WorldService(store)
        if not snapshots:
            service.store.drop_snapshots(WORLD)
        current = service.state(WORLD)
        assert not isinstance(current, Refusal)
        start, clock = current.start, current.clock
        times = []
        for _ in range(samples):
            minute = rng.randint(0, minutes_between(start, clock))
            moment = instant(minute)
            began = time.perf_counter()
            state = service.state_at(WORLD, moment)
            assert not isinstance(state, Refusal), state
            view(state)
            times.append(time.perf_counter() - began)
        return statistics.median(times)


def minutes_between(start: str, clock: str) -> int:
    def parse(text: str) -> datetime:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")

    return int((parse(clock) - parse(start)).total_seconds() // 60)


def stored_records(url: str) -> list[Record]:
    with open_store(url) as store:
        return list(store.read(WORLD))


def replay_and_verify(records: list[Record], runs: int) -> float:
    """Events/s of a full replay that checks every hash as it goes (as a server's load does)."""
    return len(records) / median(runs, lambda: timed(lambda: replay_checked(WORLD, records)))


def memory_per_thousand_members(events: list[Event], members: int) -> float:
    """Peak bytes, per 1,000 members, of rebuilding a world's state from its events."""
    tracemalloc.start()
    state = replay(events)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(state.members) > 0
    return peak / (members / 1_000)
