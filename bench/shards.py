"""`python -m bench.shards [--quick]`: beyond one database (docs/scaling.md), as ratios.

1. Writers, each on its own world, each command its own transaction: one writer alone; two,
   both worlds in one PostgreSQL database; two, on the two shards of a sharded store (the
   clusters on 5432 and 5433 that scripts/ensure-postgres.sh starts). Figure: commands per
   second of all the writers together.
2. A store of many worlds, its events in one table, then hash-partitioned by world: the cost
   of an append (one transaction) and of reading a world's log, partitioned over plain.

Every ratio is the median of ratios of runs made side by side, as in `python -m bench`.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg

from bench.measure import POSTGRES, START, timed
from bench.workload import world_commands
from hightable.core import Ledger
from hightable.core.chain import Record
from hightable.core.instants import add_minutes
from hightable.service import WorldService
from hightable.store import EventStore, open_store
from hightable.store.partitioning import partition_events
from hightable.store.sharded import shard_index

POSTGRES_SECOND = "postgresql://postgres@127.0.0.1:5433/test"


@dataclass(frozen=True)
class Size:
    members: int  # of each writer's world
    commands: int  # each writer's, one per transaction
    worlds: int  # of the partitioned store
    events: int  # per world
    partitions: int
    samples: int  # appends and reads per run
    runs: int


QUICK = Size(50, 300, 200, 100, 8, 100, 3)
FULL = Size(100, 1_000, 1_000, 500, 16, 400, 5)


@contextmanager
def schemas(tag: str) -> Iterator[Callable[[str], str]]:
    """Fresh schemas on either server, one per call, all dropped afterwards."""
    made: list[tuple[str, str]] = []

    def fresh(server: str) -> str:
        name = f"bench_shards_{tag}_{len(made)}"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
            connection.execute(f"CREATE SCHEMA {name}")
        made.append((server, name))
        return f"{server}?options=-csearch_path%3D{name}"

    try:
        yield fresh
    finally:
        for server, name in made:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


# -- two writers, one database or two ----------------------------------------------------------


def writer(url: str, world: str, seed: int, size: Size, ready: Any, results: Any) -> None:
    """One process: its world set up, then (once every writer is ready) its commands, one per
    transaction."""
    commands = world_commands(seed, size.members, size.commands)
    setup, work = commands[: size.members * 2], commands[size.members * 2 :][: size.commands]
    try:
        with open_store(url) as store:
            service = WorldService(store)
            service.create(world, START)
            service.execute_batch(world, setup)
            ready.wait()
            began = time.perf_counter()
            for command in work:
                service.execute(world, command)
            results.put((began, time.perf_counter(), len(work)))
    except BaseException as error:  # the other writer must not wait for this one forever
        ready.abort()
        results.put(repr(error))


def rate(url: str, worlds: tuple[str, ...], seed: int, size: Size) -> float:
    """Commands per second of writers at once (one per world), from the first start to the
    last end."""
    context = multiprocessing.get_context("spawn")
    ready, results = context.Barrier(len(worlds)), context.Queue()
    processes = [
        context.Process(target=writer, args=(url, world, seed + n, size, ready, results))
        for n, world in enumerate(worlds)
    ]
    for process in processes:
        process.start()
    ends = [results.get() for _ in processes]
    for process in processes:
        process.join()
    failed = [end for end in ends if isinstance(end, str)]
    if failed:
        raise RuntimeError(f"a writer failed: {failed[0]}")
    return sum(count for _, _, count in ends) / (
        max(end for _, end, _ in ends) - min(began for began, _, _ in ends)
    )


def apart(count: int) -> tuple[str, str]:
    """Two world ids that the hash puts on different shards."""
    names = (f"writer-{n}" for n in range(100))
    first = next(names)
    second = next(name for name in names if shard_index(name, count) != shard_index(first, count))
    return first, second


def shards_figures(size: Size, seed: int, fresh: Callable[[str], str]) -> dict[str, float]:
    worlds = apart(2)
    alone, one, two = [], [], []
    for _ in range(size.runs):
        alone.append(rate(fresh(POSTGRES), worlds[:1], seed, size))
        one.append(rate(fresh(POSTGRES), worlds, seed, size))
        two.append(rate(f"{fresh(POSTGRES)},{fresh(POSTGRES_SECOND)}", worlds, seed, size))
    return {
        "one writer, one database: cmd/s": statistics.median(alone),
        "ratio two writers / one, one database": statistics.median(
            b / a for a, b in zip(alone, one, strict=True)
        ),
        "two writers, one database: cmd/s": statistics.median(one),
        "two writers, two shards: cmd/s": statistics.median(two),
        "ratio two shards / one database": statistics.median(
            b / a for a, b in zip(one, two, strict=True)
        ),
    }


# -- partitioned or plain events -----------------------------------------------------------------


def tick_records(world: str, count: int) -> list[Record]:
    ledger = Ledger.create(world, START)
    assert isinstance(ledger, Ledger)
    for minute in range(1, count):
        ledger.execute({"by": "table", "do": "tick", "at": add_minutes(START, minute)})
    return ledger.records


def filled(url: str, logs: dict[str, list[Record]], events: int) -> None:
    with open_store(url) as store:
        for world, records in logs.items():
            store.create_world(world, START, records[:events])


def partition_figures(size: Size, seed: int, fresh: Callable[[str], str]) -> dict[str, float]:
    spare = -(-size.samples * size.runs // size.worlds)  # records left for the appends
    logs = {f"w{n:05d}": tick_records(f"w{n:05d}", size.events + spare) for n in range(size.worlds)}
    plain, partitioned = fresh(POSTGRES), fresh(POSTGRES)
    filled(plain, logs, size.events)
    filled(partitioned, logs, size.events)
    f: dict[str, float] = {"events in each store": size.worlds * size.events}
    with open_store(partitioned) as store:
        f[f"seconds to partition them into {size.partitions}"] = timed(
            lambda: partition_events(store, size.partitions)
        )
    choose = random.Random(seed)
    appended = dict.fromkeys(logs, size.events)
    targets = itertools.cycle(choose.sample(list(logs), len(logs)))  # each world in turn
    appends: list[tuple[float, float]] = []
    reads: list[tuple[float, float]] = []
    with open_store(plain) as a, open_store(partitioned) as b:
        for _ in range(size.runs):
            worlds = [choose.choice(list(logs)) for _ in range(size.samples)]
            records = []
            for world in itertools.islice(targets, size.samples):
                records.append((world, logs[world][appended[world]]))
                appended[world] += 1
            appends.append(side_by_side(len(appends), partial(append_each, records=records), a, b))
            reads.append(side_by_side(len(reads), partial(read_each, worlds=worlds), a, b))
    for name, pairs in (("append", appends), ("read of a log", reads)):
        f[f"{name}, plain: ms"] = 1000 * statistics.median(p for p, _ in pairs) / size.samples
        f[f"{name}, partitioned: ms"] = 1000 * statistics.median(q for _, q in pairs) / size.samples
        f[f"ratio {name}, partitioned / plain"] = statistics.median(q / p for p, q in pairs)
    return f


def side_by_side(
    run: int, trial: Callable[[EventStore], float], plain: EventStore, partitioned: EventStore
) -> tuple[float, float]:
    """Seconds of the same trial on each store, the first of them taken in turn."""
    if run % 2:
        later = trial(partitioned)
        return trial(plain), later
    return trial(plain), trial(partitioned)


def append_each(store: EventStore, records: list[tuple[str, Record]]) -> float:
    """Seconds to append each record in its own transaction."""
    began = time.perf_counter()
    for world, record in records:
        store.append(world, [record])
    return time.perf_counter() - began


def read_each(store: EventStore, worlds: list[str]) -> float:
    """Seconds to read each world's whole log."""
    began = time.perf_counter()
    for world in worlds:
        for _ in store.read(world):
            pass
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.shards", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small (about a minute)")
    parser.add_argument("--seed", type=int, default=20190517)
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    began = time.perf_counter()
    with schemas(str(multiprocessing.current_process().pid)) as fresh:
        print("writers on one database, then on two shards...", flush=True)
        figures = shards_figures(size, args.seed, fresh)
        print("appends and reads on plain and partitioned events...", flush=True)
        figures |= partition_figures(size, args.seed, fresh)
    print(f"\n{size}; {time.perf_counter() - began:.0f} s in all")
    for name, value in figures.items():
        print(f"  {name:<48} {value:>12,.2f}")


if __name__ == "__main__":
    main()
