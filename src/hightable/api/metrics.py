"""Prometheus metrics of a server: commands by outcome and rule, how long appends and group
commits take, and what each worker holds (worlds, timelines, live feed subscribers).

With several workers (`hightable serve --workers N`), each process writes its metrics to files
in `PROMETHEUS_MULTIPROC_DIR` (which `serve` makes, and empties, when the operator gave none),
and `/metrics` adds up every worker's: counters and histograms summed, gauges summed over the
workers alive. No world's id is a label: the count of series stays bounded.
"""

from __future__ import annotations

import atexit
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as multi

from hightable.api import feed
from hightable.service import WorldService
from hightable.service.observer import Observer

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)

COMMANDS = Counter(
    "hightable_commands",
    "Commands answered, by outcome and by the rule of a refusal.",
    ["outcome", "rule"],
)
APPEND = Histogram(
    "hightable_append_seconds",
    "One append to the store (a group's records and snapshot).",
    buckets=LATENCY_BUCKETS,
)
GROUP_COMMIT = Histogram(
    "hightable_group_commit_seconds",
    "One group commit: deciding, sealing and appending a group.",
    buckets=LATENCY_BUCKETS,
)
GROUP_SIZE = Histogram(
    "hightable_group_commit_commands",
    "Commands in one group commit.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024),
)
FEED_SUBSCRIBERS = Gauge(
    "hightable_feed_subscribers", "Live feeds open now.", multiprocess_mode="livesum"
)
HELD_WORLDS = Gauge("hightable_held_worlds", "Worlds held in memory.", multiprocess_mode="livesum")
TIMELINES = Gauge(
    "hightable_timelines", "Timelines kept for views at an instant.", multiprocess_mode="livesum"
)


class Metrics(Observer):
    """The service's observer that counts into Prometheus."""

    def command(self, outcome: str, rule: str) -> None:
        COMMANDS.labels(outcome=outcome, rule=rule).inc()

    def appended(self, seconds: float, records: int) -> None:
        APPEND.observe(seconds)

    def group_committed(self, seconds: float, commands: int) -> None:
        GROUP_COMMIT.observe(seconds)
        GROUP_SIZE.observe(commands)


_gauged: list[tuple[int, int, int]] = []  # what this process's gauges were last set to


def refresh(service: WorldService) -> None:
    """Set the gauges of this process (after each request, and before a scrape), when they
    changed: with several workers each setting is a write to a shared file."""
    values = (*service.held_count(), feed.subscribers())
    if _gauged[-1:] == [values]:
        return
    _gauged[:] = [values]
    for gauge, value in zip((HELD_WORLDS, TIMELINES, FEED_SUBSCRIBERS), values, strict=True):
        gauge.set(value)


def exposition(service: WorldService) -> tuple[bytes, str]:
    """The metrics in Prometheus's text format: this process's, or every worker's."""
    refresh(service)
    if os.environ.get(MULTIPROC_DIR):
        registry = CollectorRegistry()
        multi.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def forget_at_exit() -> None:
    """A worker that ends takes its gauges with it (counters stay counted)."""
    if os.environ.get(MULTIPROC_DIR):
        pid = os.getpid()
        atexit.register(lambda: multi.mark_process_dead(pid))  # type: ignore[no-untyped-call]
