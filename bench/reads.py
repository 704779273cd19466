"""Reads that must grow with what they show, not with the log: a member's dossier, the view
whole, in a page and at one path, a timeline's memory and build, and `verify` and `fork` from the
command line, on worlds of growing length from the same generator.

Each figure is a median over requests on this machine, now; its growth from one length to the
next is the ratio of the two, and the dossier is also set against the path view of the same
member, measured beside it (the cheapest read the server answers: its baseline).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from typing import Any

from bench import measure
from bench.workload import WORLD, world_commands
from hightable.core import Refusal
from hightable.service import WorldService
from hightable.store import open_store

REQUESTS = 7  # of each kind, on each world (the median is reported)
ROWS = (
    "dossier ms (API)",
    "path view ms (API, baseline)",
    "whole view ms (API)",
    "view page ms (API, 100 a section)",
    "timeline MiB",
    "timeline build s",
    "verify s (CLI)",
    "verify CPU s (CLI)",
    "verify peak MiB (CLI)",
    "fork s (CLI)",
    "fork CPU s (CLI)",
    "fork peak MiB (CLI)",
)


def build(url: str, events: int, seed: int) -> int:
    """A world of about `events` events, from the same generator as the long world's."""
    steps = events * 10 // 14  # about 1.4 events a step
    built, _ = measure.build_world(url, world_commands(seed, 1_000, steps), 1_000)
    return built


def reads(f: dict[str, float], r: dict[str, float], worlds: list[tuple[int, str]]) -> None:
    """Every row for each world (its events, its store's URL), then the growth between them."""
    rows: dict[str, list[float]] = {row: [] for row in ROWS}
    for events, url in worlds:
        figures = one_world(url)
        for row in ROWS:
            rows[row].append(figures[row])
            f[f"{row} @{events:,}"] = figures[row]
        f[f"dossier events (median) @{events:,}"] = figures["dossier events"]
    for index in range(1, len(worlds)):
        (small, _), (large, _) = worlds[index - 1], worlds[index]
        label = f"{large // 1000:,}k/{small // 1000:,}k"
        r[f"events {label}"] = large / small
        for row in ROWS:
            r[f"{row} {label}"] = rows[row][index] / max(rows[row][index - 1], 1e-9)
    for index, (events, _) in enumerate(worlds):
        r[f"dossier/path view @{events:,}"] = rows[ROWS[0]][index] / rows[ROWS[1]][index]


def one_world(url: str) -> dict[str, float]:
    figures: dict[str, float] = {}
    with open_store(url) as store:
        service = WorldService(store)
        token = service.issue_token(WORLD)
        state = service.state(WORLD)
        assert not isinstance(state, Refusal), state
        members = random.Random(len(state.members)).sample(sorted(state.members), REQUESTS)
        clock = state.clock
    figures.update(api_figures(url, token, members))
    with open_store(url) as store:
        figures["timeline build s"] = measure.timeline_build(WorldService(store, timelines=1))
    figures["timeline MiB"] = measure.timeline_bytes(url) / 2**20
    verify = cli("verify", WORLD, "--store", url)
    figures["verify s (CLI)"], figures["verify CPU s (CLI)"], figures["verify peak MiB (CLI)"] = (
        verify
    )
    fork = f"fork-{time.monotonic_ns()}"
    forked = cli("fork", WORLD, fork, "--at", clock, "--store", url)
    figures["fork s (CLI)"], figures["fork CPU s (CLI)"], figures["fork peak MiB (CLI)"] = forked
    return figures


def api_figures(url: str, token: str, members: list[str]) -> dict[str, float]:
    """Requests to the HTTP API, in process (no network between): the first, which loads the
    world into the server, is left out."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

        from hightable.api.app import create_app

    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(url, timelines=0)) as client:

        def get(route: str, **params: str) -> Callable[[], Any]:
            def request() -> Any:
                response = client.get(f"/worlds/{WORLD}{route}", params=params, headers=headers)
                assert 200 == response.status_code, response.text
                return response.json()

            return request

        get("/view", path="clock")()  # the server loads the world
        dossiers = [get(f"/members/{member}/dossier") for member in members]
        return {
            "dossier ms (API)": 1000 * median_of(dossiers),
            "dossier events": statistics.median(len(d()["timeline"]) for d in dossiers),
            "path view ms (API, baseline)": 1000
            * median_of([get("/view", path=f"members.{m}") for m in members]),
            "whole view ms (API)": 1000 * median_of([get("/view")] * 3),
            "view page ms (API, 100 a section)": 1000
            * median_of([get("/view", limit="100", offset=str(100 * n)) for n in range(3)]),
        }


def median_of(requests: list[Callable[[], Any]]) -> float:
    times = []
    for request in requests:
        began = time.perf_counter()
        request()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


# Runs `hightable` and tells its peak resident memory as it exits (VmHWM: the process's own,
# unlike a child's ru_maxrss, which on Linux keeps the parent's at the fork).
PEAK = """
import atexit, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\npeak KiB {kib}\\n")
atexit.register(peak)
sys.argv = ["hightable", *sys.argv[1:]]
runpy.run_module("hightable", run_name="__main__")
"""


def cli(*arguments: str) -> tuple[float, float, float]:
    """Seconds, CPU seconds and peak resident MiB of one `hightable` command, in a process of
    its own. Its CPU seconds are what a busy machine changes least."""
    with tempfile.TemporaryFile() as errors:
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", PEAK, *arguments], stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - began
        errors.seek(0)
        told = errors.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"hightable {arguments[0]} failed: {told}")
    kib = int(told.rsplit("peak KiB ", 1)[1].split()[0])
    return seconds, usage.ru_utime + usage.ru_stime, kib / 1024
