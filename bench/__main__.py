"""`python -m bench [--quick]`: hightable against the floor and against a peer, in one run.

Every figure is the median of several runs on this machine, now; each ratio is the median of
ratios of runs made side by side, which is what stays meaningful on a noisy machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench import measure, peer, reads
from bench.measure import side_by_side
from bench.served import Served, served_run
from bench.startup import TARGET_S, startup
from bench.workload import WORLD, Command, world_commands
from hightable.core.events import decode_event
from hightable.core.world import replay
from hightable.service import WorldService
from hightable.store import open_store


@dataclass(frozen=True)
class Size:
    members: int  # of the mixed world
    steps: int  # steps of the mixed world's life (about 1.3 commands each)
    accounts: int  # of the transfer comparison with the peer
    transfers: int  # in memory
    durable: int  # commands one per transaction (and the peer's durable transfers)
    long_events: int  # events of the long world
    shorter: tuple[int, ...]  # events of the shorter worlds whose reads are set beside its
    views: int  # random instants viewed (a fifth of that without snapshots)
    runs: int
    served: Served = field(default_factory=lambda: Served())


QUICK = Size(200, 2_000, 200, 2_000, 200, 30_000, (10_000,), 20, 3, Served((1, 8), 1.0, 1, 50, 5))
FULL = Size(1_000, 20_000, 1_000, 10_000, 1_000, 1_000_000, (10_000, 100_000), 50, 5)
GROUP = 100  # commands per transaction in a group commit under load
SMALL_GROUP = 10  # and under a lighter load
TARGETS = {  # ratio -> (the target, whether the figure must be at least or at most it)
    "core/peer": (5.0, "at least"),
    "durable/floor": (0.5, "at least"),
    "replay/hash-floor": (2.0, "at most"),
    "served/floor cmd/s (sqlite, 32 clients)": (1.5, "at least"),
    "served/floor cmd/s (postgres, 32 clients)": (1.5, "at least"),
}
VIEW_TARGET_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="every measurement, small (< 1 min)")
    parser.add_argument("--events", type=int, help="events of the long world (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20190517)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL figures")
    parser.add_argument(
        "--served-only", action="store_true", help="only the figures through a real server"
    )
    parser.add_argument(
        "--reads-only", action="store_true", help="only the reads, on the long and shorter worlds"
    )
    parser.add_argument(
        "--shorter", help="events of the shorter worlds read beside the long one, e.g. 10000,100000"
    )
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    if args.events:
        size = replace(size, long_events=args.events)
    if args.shorter:
        size = replace(size, shorter=tuple(int(n) for n in args.shorter.split(",")))
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hightable-bench-") as folder:
        if args.served_only:
            figures, ratios = served_run(size.served, Path(folder), not args.no_postgres)
        else:
            figures, ratios = run(
                size, args.seed, Path(folder), not args.no_postgres, args.reads_only
            )
    print_report(figures, ratios, time.perf_counter() - began)


def run(
    size: Size, seed: int, folder: Path, postgres: bool, reads_only: bool = False
) -> tuple[dict[str, float], dict[str, float]]:
    f: dict[str, float] = {}  # figures
    r: dict[str, float] = {}  # ratios
    files = iter(range(1_000_000))

    def sqlite_url() -> str:
        return f"sqlite:///{folder / f'store-{next(files)}.db'}"

    def sqlite_path() -> str:
        return str(folder / f"floor-{next(files)}.db")

    if reads_only:
        step(f"a long world of {size.long_events:,} events")
        long_url = sqlite_url()
        f["long world events"] = reads.build(long_url, size.long_events, seed + 1)
        return read_all(f, r, size, seed, sqlite_url, long_url)

    commands = world_commands(seed, size.members, size.steps)
    accounts, transfers = measure.transfer_commands(seed, size.accounts, size.transfers)
    work = Work(
        setup=commands[: size.members * 2],
        mixed=commands[size.members * 2 :],
        accounts=accounts,
        transfers=transfers,
        seed=seed,
    )

    step("the command line's start, beside a bare interpreter's")
    startup(f, r)

    step("the core, in memory, beside the peer's")
    trial = measure.core_trial(work.setup, work.mixed)
    f["core mixed cmd/s"] = len(work.mixed) / measure.median(size.runs, trial)
    core, other, r["core/peer"] = side_by_side(
        size.runs,
        measure.core_trial(accounts, transfers),
        measure.peer_trial(peer.memory_env, seed, size.accounts, size.transfers),
    )
    f["core transfers/s"] = len(transfers) / core
    f["peer transfers/s (memory)"] = len(transfers) / other

    step("durable, SQLite")
    stores = Stores(sqlite_url, sqlite_path, lambda: peer.sqlite_env(sqlite_path()))
    durable(f, r, "sqlite", stores, work, size)
    if postgres:
        step("durable, PostgreSQL")
        with measure.postgres_schemas(f"bench_{os.getpid()}") as fresh:

            def postgres_url() -> str:
                return measure.postgres_url(fresh())

            database = measure.POSTGRES.rsplit("/", 1)[-1]
            stores = Stores(
                postgres_url, postgres_url, lambda: peer.postgres_env(fresh(), database)
            )
            durable(f, r, "postgres", stores, work, size)

    step(f"a long world of {size.long_events:,} events")
    long_url = sqlite_url()
    long_world(f, r, size, seed, long_url)
    read_all(f, r, size, seed, sqlite_url, long_url)
    served_figures, served_ratios = served_run(size.served, folder, postgres)
    return f | served_figures, r | served_ratios


def read_all(
    f: dict[str, float],
    r: dict[str, float],
    size: Size,
    seed: int,
    sqlite_url: Callable[[], str],
    long_url: str,
) -> tuple[dict[str, float], dict[str, float]]:
    worlds = []
    for events in size.shorter:
        step(f"a world of {events:,} events, to read beside the long one")
        url = sqlite_url()
        worlds.append((reads.build(url, events, seed + 1), url))
    step("reads: dossier, views, timeline, verify and fork, on each world")
    reads.reads(f, r, [*worlds, (int(f["long world events"]), long_url)])
    return f, r


@dataclass(frozen=True)
class Work:
    setup: list[Command]  # the mixed world's members, hotels and families
    mixed: list[Command]  # then its life
    accounts: list[Command]  # the transfer comparison's accounts
    transfers: list[Command]  # and its transfers
    seed: int


@dataclass(frozen=True)
class Stores:
    """Where one backend's trials store: hightable's, the floor's, the peer's."""

    ours: Callable[[], str]  # a fresh store's URL
    floor: Callable[[], str]  # a fresh table's place for the floor (a path, or a URL)
    peer: Callable[[], dict[str, Any]]  # the peer's settings, in a fresh place


def durable(
    f: dict[str, float], r: dict[str, float], name: str, stores: Stores, work: Work, size: Size
) -> None:
    """One command per transaction, beside the peer's transfers; then group commit beside the
    raw batched insert floor, in groups of a hundred commands (a busy server) and of ten."""
    single = work.mixed[: size.durable]
    seconds = measure.median(size.runs, measure.durable_trial(stores.ours, work.setup, single, 1))
    f[f"{name} mixed cmd/s, one per tx"] = len(single) / seconds
    transfers = work.transfers[: size.durable]
    one, other, r[f"{name}-durable/peer"] = side_by_side(
        size.runs,
        measure.durable_trial(stores.ours, work.accounts, transfers, 1),
        measure.peer_trial(stores.peer, work.seed, size.accounts, size.durable),
    )
    f[f"{name} transfers/s, one per tx"] = len(transfers) / one
    f[f"peer transfers/s ({name})"] = len(transfers) / other
    for group in (GROUP, SMALL_GROUP):
        records, sizes = measure.group_records(stores.ours(), work.setup, work.mixed, group)
        floor = (
            measure.insert_floor_sqlite(stores.floor, records, sizes)
            if name == "sqlite"
            else measure.insert_floor_postgres(stores.floor, records, sizes)
        )
        ours, theirs, ratio = side_by_side(
            size.runs, measure.durable_trial(stores.ours, work.setup, work.mixed, group), floor
        )
        per = f"{group} per tx"
        f[f"{name} group commit cmd/s, {per}"] = len(work.mixed) / ours
        f[f"{name} group commit events/s, {per}"] = len(records) / ours
        f[f"{name} floor insert events/s, {per}"] = len(records) / theirs
        label = "durable/floor" if name == "sqlite" else f"{name}-durable/floor"
        r[label if group == GROUP else f"{label} ({per})"] = ratio


def long_world(f: dict[str, float], r: dict[str, float], size: Size, seed: int, url: str) -> None:
    steps = size.long_events * 10 // 14  # about 1.4 events a step
    events, seconds = measure.build_world(url, world_commands(seed + 1, 1_000, steps), 1_000)
    f["long world events"] = events
    f["long world build events/s"] = events / seconds
    path = Path(url.removeprefix("sqlite:///"))
    f["long world store MiB"] = (
        sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    )
    stored = measure.stored_records(url)
    typed = [decode_event(record.body) for record in stored]
    replaying, hashing, ratio = side_by_side(
        size.runs, measure.replay_trial(stored), measure.hash_floor_trial(typed)
    )
    f["replay+verify events/s"], f["floor hash events/s"] = events / replaying, events / hashing
    r["replay/hash-floor"] = 1 / ratio  # how many times the floor's time a replay takes
    state = replay(typed)
    f["objects in the long world"] = sum(
        len(table)
        for table in (
            state.members,
            state.contracts,
            state.markers,
            state.terms,
            state.hotels,
            state.families,
        )
    )
    f["members of the long world"] = len(state.members)
    f["peak KiB per 1,000 members"] = (
        measure.memory_per_thousand_members(typed, len(state.members)) / 1024
    )
    del stored, typed, state
    views(f, size, seed, url)


def views(f: dict[str, float], size: Size, seed: int, url: str) -> None:
    """The view at random instants: from the timeline a server keeps, from the store's
    snapshots as a one-off command reads them, and from the log alone."""
    with open_store(url) as store:
        server = WorldService(store, timelines=1)
        instants = measure.random_instants(server, size.views, seed)
        f["timeline build s"] = measure.timeline_build(server)
        f["timeline MiB"] = measure.timeline_bytes(url) / 2**20
        f["view ms, member (timeline)"] = 1000 * measure.views_at_instants(server, instants, False)
        f["view ms, whole (timeline)"] = 1000 * measure.views_at_instants(
            server, instants[: max(3, size.views // 5)], True
        )
        some = instants[: max(3, size.views // 5)]
        f["view ms, member (store snapshots)"] = 1000 * measure.views_at_instants(
            WorldService(store), some, False
        )
        alone = WorldService(store)
        alone.drop_snapshots(WORLD)
        f["view ms, member (log alone)"] = 1000 * measure.views_at_instants(alone, some[:3], False)


def step(what: str) -> None:
    print(f"… {what}", flush=True)


def print_report(f: dict[str, float], r: dict[str, float], seconds: float) -> None:
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        f"{seconds:.0f} s in all"
    )
    for name, value in f.items():
        print(f"  {name:<44} {value:>14,.1f}")
    print()
    for name, value in r.items():
        target = TARGETS.get(name)
        met = ""
        if target:
            bound, sense = target
            ok = value >= bound if sense == "at least" else value <= bound
            met = f"   (target {sense} {bound:g}: {'met' if ok else 'NOT met'})"
        print(f"ratio {name}: {value:.2f}{met}")
    if "view ms, member (timeline)" in f:
        view_ms = f["view ms, member (timeline)"]
        met = "met" if view_ms < VIEW_TARGET_MS else "NOT met"
        print(f"view-at-instant ms: {view_ms:.1f}   (target under {VIEW_TARGET_MS:g}: {met})")
    if "hightable rules s" in f:
        start = f["hightable rules s"]
        met = "met" if start < TARGET_S else "NOT met"
        print(f"hightable rules s: {start:.3f}   (target under {TARGET_S:g}: {met})")


if __name__ == "__main__":
    main()
