"""The figures made through a real server: durable commands at 1 and many clients against the
floor (serving.py), and the live feed under many subscribers (feeding.py)."""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import measure
from bench.feeding import measure_feed
from bench.serving import measure_served, served_figures


@dataclass(frozen=True)
class Served:
    clients: tuple[int, ...] = (1, 32)
    seconds: float = 4.0  # of each run of each side
    runs: int = 3
    subscribers: int = 1_000  # of the live feed's world
    commands: int = 20  # sent while they watch, a fifth of a second apart
    workers: int = 2  # of each server, as a shard runs it


def served_run(
    size: Served, folder: Path, postgres: bool
) -> tuple[dict[str, float], dict[str, float]]:
    f: dict[str, float] = {}
    r: dict[str, float] = {}
    files = iter(range(1_000_000))

    def sqlite_url() -> str:
        return f"sqlite:///{folder / f'served-{next(files)}.db'}"

    print("… served, SQLite", flush=True)
    served_figures(
        f,
        r,
        "sqlite",
        measure_served(sqlite_url, size.workers, size.clients, size.seconds, size.runs),
    )
    feed_figures(f, "sqlite", sqlite_url, size)
    if postgres:
        with measure.postgres_schemas(f"served_{os.getpid()}") as fresh:

            def postgres_url() -> str:
                return measure.postgres_url(fresh())

            print("… served, PostgreSQL", flush=True)
            pairs = measure_served(
                postgres_url, size.workers, size.clients, size.seconds, size.runs
            )
            served_figures(f, r, "postgres", pairs)
            feed_figures(f, "postgres", postgres_url, size)
    return f, r


def feed_figures(f: dict[str, float], name: str, urls: Callable[[], str], size: Served) -> None:
    """Delivery delays to every subscriber, and (PostgreSQL) the store's transactions per
    second with one subscriber and with many."""
    for count in sorted({1, size.subscribers}):
        url = urls()
        delays, per_second, missing = measure_feed(url, size.workers, count, size.commands, 0.2)
        ordered = sorted(delays) or [0.0]
        at = f"feed {name}, {count} subscriber{'s' if count > 1 else ''}"
        f[f"{at}: p50 ms"] = 1000 * statistics.median(ordered)
        f[f"{at}: p99 ms"] = 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        f[f"{at}: missed"] = missing
        if url.startswith("postgresql"):
            f[f"{at}: store tx/s"] = per_second
