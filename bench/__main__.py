"""`python -m bench [--quick]`: hightable against the floor and against a peer, in one run.

Every figure is the median of several runs on this machine, now; the ratios at the end compare
figures measured side by side, which is what stays meaningful on a noisy machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import measure, peer
from bench.workload import world_commands
from hightable.core.events import decode_event


@dataclass(frozen=True)
class Size:
    members: int  # of the mixed world
    steps: int  # steps of the mixed world's life (about 1.3 commands each)
    accounts: int  # of the transfer comparison
    transfers: int  # in memory
    durable: int  # commands one per transaction (and peer transfers durable)
    long_events: int  # events of the long world
    views: int  # random instants viewed with snapshots (a fifth of that without)
    runs: int


QUICK = Size(200, 2_000, 200, 2_000, 200, 30_000, 20, 3)
GROUP = 100  # commands per transaction in a group commit
FULL = Size(1_000, 20_000, 1_000, 10_000, 1_000, 1_000_000, 50, 5)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="every measurement, small (< 1 min)")
    parser.add_argument("--events", type=int, help="events of the long world (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=20190517)
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL figures")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    if args.events:
        size = Size(**{**size.__dict__, "long_events": args.events})
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hightable-bench-") as folder:
        report = run(size, args.seed, Path(folder), postgres=not args.no_postgres)
    print_report(report, size, time.perf_counter() - began)


def run(size: Size, seed: int, folder: Path, postgres: bool) -> dict[str, float]:
    r: dict[str, float] = {}
    files = iter(range(1_000_000))

    def sqlite_url() -> str:
        return f"sqlite:///{folder / f'store-{next(files)}.db'}"

    def sqlite_path() -> str:
        return str(folder / f"floor-{next(files)}.db")

    commands = world_commands(seed, size.members, size.steps)
    setup, work = commands[: size.members * 2], commands[size.members * 2 :]
    step("the core, in memory")
    r["core mixed cmd/s"] = measure.core(commands, size.runs)
    r["core transfers cmd/s"] = measure.core_transfers(
        seed, size.accounts, size.transfers, size.runs
    )
    r["peer transfers/s (memory)"] = measure.peer_transfers(
        dict, seed, size.accounts, size.transfers, size.runs
    )

    step("durable, SQLite")
    single = work[: size.durable]
    r["sqlite one-per-tx cmd/s"], _ = measure.durable(sqlite_url, setup, single, 1, size.runs)
    r["sqlite group cmd/s"], r["sqlite group events/s"] = measure.durable(
        sqlite_url, setup, work, GROUP, size.runs
    )
    records, sizes = measure.group_records(sqlite_url(), setup, work, GROUP)
    r["floor insert sqlite events/s"] = measure.insert_floor_sqlite(
        sqlite_path, records, sizes, size.runs
    )
    r["peer transfers/s (sqlite)"] = measure.peer_transfers(
        lambda: peer.sqlite_env(sqlite_path()), seed, size.accounts, size.durable, size.runs
    )
    if postgres:
        step("durable, PostgreSQL")
        with measure.postgres_schemas(f"bench_{os.getpid()}") as fresh:

            def postgres_url() -> str:
                return measure.postgres_url(fresh())

            r["postgres one-per-tx cmd/s"], _ = measure.durable(
                postgres_url, setup, single, 1, size.runs
            )
            r["postgres group cmd/s"], r["postgres group events/s"] = measure.durable(
                postgres_url, setup, work, GROUP, size.runs
            )
            r["floor insert postgres events/s"] = measure.insert_floor_postgres(
                postgres_url, records, sizes, size.runs
            )
            r["peer transfers/s (postgres)"] = measure.peer_transfers(
                lambda: peer.postgres_env(fresh()), seed, size.accounts, size.durable, size.runs
            )

    step(f"a long world of {size.long_events:,} events")
    long_url = sqlite_url()
    steps = size.long_events * 10 // 13  # about 1.3 events a step
    long_commands = world_commands(seed + 1, size.members, steps)
    events, seconds = measure.build_world(long_url, long_commands, snapshot_every=1_000)
    r["long world events"] = events
    path = Path(long_url.removeprefix("sqlite:///"))
    r["long world store MiB (with snapshots)"] = (
        sum(file.stat().st_size for file in path.parent.glob(path.name + "*")) / 2**20
    )
    r["long world build events/s"] = events / seconds
    stored = measure.stored_records(long_url)
    r["replay+verify events/s"] = measure.replay_and_verify(stored, size.runs)
    typed = [decode_event(record.body) for record in stored]
    r["floor hash events/s"] = measure.hash_floor(typed, size.runs)
    r["view ms (snapshots)"] = 1000 * measure.view_at_random_instants(
        long_url, size.views, seed, snapshots=True
    )
    r["view ms (no snapshot)"] = 1000 * measure.view_at_random_instants(
        long_url, max(3, size.views // 5), seed, snapshots=False
    )
    members = len(measure.replay(typed).members)
    r["members of the long world"] = members
    r["peak KiB per 1,000 members"] = measure.memory_per_thousand_members(typed, members) / 1024
    return r


def step(what: str) -> None:
    print(f"… {what}", flush=True)


def print_report(r: dict[str, float], size: Size, seconds: float) -> None:
    print()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {seconds:.0f} s in all"
    )
    for name, value in r.items():
        print(f"  {name:<34} {value:>14,.1f}")
    print()
    ratios = {
        "core/peer": r["core transfers cmd/s"] / r["peer transfers/s (memory)"],
        "durable/floor": r["sqlite group events/s"] / r["floor insert sqlite events/s"],
        "replay/hash-floor": r["floor hash events/s"] / r["replay+verify events/s"],
        "sqlite-durable/peer": r["sqlite one-per-tx cmd/s"] / r["peer transfers/s (sqlite)"],
    }
    if "postgres group events/s" in r:
        ratios["postgres-durable/floor"] = (
            r["postgres group events/s"] / r["floor insert postgres events/s"]
        )
        ratios["postgres-durable/peer"] = (
            r["postgres one-per-tx cmd/s"] / r["peer transfers/s (postgres)"]
        )
    for name, value in ratios.items():
        print(f"ratio {name}: {value:.2f}")
    print(f"view-at-instant ms: {r['view ms (snapshots)']:.1f}")


if __name__ == "__main__":
    main()
