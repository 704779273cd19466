"""Each measurement: what it times, over what. Setup is never inside the timer.

A trial returns the seconds one run of its work took. Figures are medians over runs; a ratio is
the median of the ratios of trials run side by side, one of each in turn, so that the noise of a
shared machine falls on both.
"""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec
import psycopg

from bench import peer
from bench.workload import WORLD, Command, instant, minutes_between, transfers
from hightable.checked import replay_checked
from hightable.core import Accepted, Refusal, view, view_at
from hightable.core.chain import GENESIS, Record
from hightable.core.events import Event
from hightable.core.invariants import recount
from hightable.core.ledger import Ledger
from hightable.core.world import replay
from hightable.service import WorldService
from hightable.store import open_store

START = instant(0)
# The database the benchmark makes its schemas in (its own keeps the counts of the live feed's
# figures free of other clients' transactions): the tests' unless told.
POSTGRES = os.environ.get(
    "HIGHTABLE_BENCH_POSTGRES",
    os.environ.get("HIGHTABLE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"),
)
Trial = Callable[[], float]


def median(runs: int, trial: Trial) -> float:
    return statistics.median(trial() for _ in range(runs))


def side_by_side(runs: int, ours: Trial, theirs: Trial) -> tuple[float, float, float]:
    """Median seconds of each trial, and the median of theirs/ours taken run by run."""
    pairs = [(ours(), theirs()) for _ in range(runs)]
    return (
        statistics.median(mine for mine, _ in pairs),
        statistics.median(other for _, other in pairs),
        statistics.median(other / mine for mine, other in pairs),
    )


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


def core_trial(setup: list[Command], work: list[Command]) -> Trial:
    """Decide + evolve + hash of `work`, in memory, after `setup`."""

    def trial() -> float:
        ledger = Ledger.create(WORLD, START)
        assert isinstance(ledger, Ledger)
        for command in setup:
            ledger.execute(command)
        return timed(lambda: [ledger.execute(command) for command in work])

    return trial


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


def peer_trial(env: Callable[[], dict[str, Any]], seed: int, accounts: int, count: int) -> Trial:
    work = transfers(seed, accounts, count)

    def trial() -> float:
        bank, ids = peer.bank(env(), accounts)
        return timed(lambda: peer.run_transfers(bank, ids, work))

    return trial


# -- durable -------------------------------------------------------------------------------------


def durable_trial(
    url: Callable[[], str], setup: list[Command], work: list[Command], batch: int
) -> Trial:
    """`work` stored durably, `batch` commands per transaction (1: each on its own)."""

    def trial() -> float:
        with open_store(url()) as store:
            service = WorldService(store)
            service.create(WORLD, START)
            for group in chunks(setup, 1_000):
                service.execute_batch(WORLD, group)
            began = time.perf_counter()
            if batch == 1:
                for command in work:
                    service.execute(WORLD, command)
            else:
                for group in chunks(work, batch):
                    service.execute_batch(WORLD, group)
            return time.perf_counter() - began

    return trial


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
        first = service.head_seq(WORLD)
        assert first is not None
        sizes = []
        for group in chunks(work, batch):
            outcomes = service.execute_batch(WORLD, group).outcomes
            sizes.append(sum(len(o.events) for o in outcomes if isinstance(o, Accepted)))
        return list(service.records(WORLD, after=first)), sizes


# -- the floor -----------------------------------------------------------------------------------
# What the ledger is compared against: the hashing alone, and raw INSERTs into the store's own
# tables, past the facade on purpose (the schema is made by opening the store once).


def hash_floor_trial(events: list[Event]) -> Trial:
    """The least a ledger must do for its events: canonical JSON and a sha256 chain."""
    encode = msgspec.json.Encoder(order="sorted").encode

    def trial() -> float:
        def chain() -> None:
            prev = GENESIS
            for event in events:
                prev = hashlib.sha256(prev + encode(event)).digest()

        return timed(chain)

    return trial


INSERT = (
    "INSERT INTO events (world, seq, at, type, body, hash) VALUES ({p}, {p}, {p}, {p}, {p}, {p})"
)


def rows(records: list[Record]) -> list[tuple[Any, ...]]:
    return [(WORLD, r.seq, r.at, r.type, r.body, r.hash) for r in records]


def insert_floor_sqlite(path: Callable[[], str], records: list[Record], sizes: list[int]) -> Trial:
    """A raw batched INSERT of the same rows into the same table, with the same durability."""

    def trial() -> float:
        file = path()
        open_store(f"sqlite:///{file}").close()  # the same schema, made by the store
        connection = sqlite3.connect(file, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        data = rows(records)
        began = time.perf_counter()
        for group in batches(data, sizes):
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(INSERT.format(p="?"), group)
            connection.execute("COMMIT")
        seconds = time.perf_counter() - began
        connection.close()
        return seconds

    return trial


def insert_floor_postgres(url: Callable[[], str], records: list[Record], sizes: list[int]) -> Trial:
    def trial() -> float:
        store_url = url()
        open_store(store_url).close()
        data = rows(records)
        with psycopg.connect(store_url) as connection:
            began = time.perf_counter()
            for group in batches(data, sizes):
                with connection.cursor() as cursor:
                    cursor.executemany(INSERT.format(p="%s"), group)
                connection.commit()
            return time.perf_counter() - began

    return trial


def batches(data: list[Any], sizes: list[int]) -> Iterator[list[Any]]:
    """The rows cut as the group commit cut its transactions."""
    first = 0
    for size in sizes:
        if size:
            yield data[first : first + size]
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
        state = service.state(WORLD)
        assert not isinstance(state, Refusal), state
        problem = recount(state)  # the benchmark's world must keep the books, to its end
        if problem:
            raise SystemExit(f"the benchmark's world breaks the ledger (INVARIANT-1): {problem}")
        return state.seq, seconds


def stored_records(url: str) -> list[Record]:
    with open_store(url) as store:
        return list(WorldService(store).records(WORLD))


def replay_trial(records: list[Record]) -> Trial:
    """A full replay that checks every hash as it goes (what a server does to load a world)."""
    return lambda: timed(lambda: replay_checked(WORLD, records))


def random_instants(service: WorldService, samples: int, seed: int) -> list[str]:
    current = service.state(WORLD)
    assert not isinstance(current, Refusal)
    rng = random.Random(seed)
    last = minutes_between(current.start, current.clock)
    return [instant(rng.randint(0, last)) for _ in range(samples)]


def views_at_instants(service: WorldService, instants: list[str], whole: bool) -> float:
    """Median seconds of the view as of each instant: a member's entry (what a client asks a
    long world for, `?path=members.ID`), or the whole document."""
    times = []
    for moment in instants:
        began = time.perf_counter()
        state = service.state_at(WORLD, moment)
        assert not isinstance(state, Refusal), state
        if whole:
            view(state)
        else:
            view_at(state, f"members.{next(iter(state.members))}")
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def memory_per_thousand_members(events: list[Event], members: int) -> float:
    """Peak bytes, per 1,000 members, of rebuilding a world's state from its events."""
    tracemalloc.start()
    state = replay(events)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(state.members) > 0
    return peak / (members / 1_000)


def timeline_build(service: WorldService) -> float:
    """Seconds to build a world's timeline from its log (the server keeps it)."""
    return timed(lambda: service.timeline(WORLD))


def timeline_bytes(url: str) -> int:
    """What a world's timeline holds in memory, once built (measured on a second one)."""
    with open_store(url) as store:
        service = WorldService(store, timelines=1)
        tracemalloc.start()
        service.timeline(WORLD)
        held, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return held
