"""Durable commands through a real server on 127.0.0.1: `hightable serve` against the floor
(bench/floor_app.py: a bare FastAPI app storing one row per request, same durability, same
uvicorn settings), with one client and with many at once, each client sending transfers to one
world one after the other."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from bench.load import Load, request, run_load

START = "2019-01-01T00:00:00Z"
WORLD = "served"
PORTS = iter(range(18510, 18590))  # loopback ports of the servers this benchmark starts


@contextmanager
def server(argv: list[str]) -> Iterator[int]:
    """A server process on a fresh port, up and answering, stopped afterwards."""
    port = next(PORTS)
    process = subprocess.Popen(
        [sys.executable, "-m", *(str(port) if part == "{port}" else part for part in argv)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{argv}: the server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def hightable_server(url: str, workers: int) -> list[str]:
    # Creation open (the benchmark makes its own world) and no access log: the floor keeps none.
    return [
        *["hightable", "serve", "--store", url, "--workers", str(workers), "--port", "{port}"],
        *["--open-creation", "--log-format", "none"],
    ]


def floor_server(url: str, workers: int) -> list[str]:
    return ["bench.floor_app", url, "{port}", str(workers)]


def transfers(clients: int, token: str | None) -> list[list[bytes]]:
    """Each client's requests: transfers from its own member to the next, one coin at a time."""
    path = f"/worlds/{WORLD}/commands"
    return [
        [
            request(
                path,
                {
                    "by": f"m{c}",
                    "do": "transfer",
                    "to": f"m{(c + 1) % clients}",
                    "amount": 1,
                    "at": START,
                },
                token,
            )
        ]
        for c in range(clients)
    ]


def make_world(port: int, members: int) -> str:
    """The world the clients write to, its members rich; the table token."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        created = client.post("/worlds", json={"world": WORLD, "start": START})
        created.raise_for_status()
        token: str = created.json()["table_token"]
        commands = []
        for n in range(members):
            commands.append(
                {"by": "table", "do": "register", "member": f"m{n}", "name": f"m{n}", "at": START}
            )
            commands.append(
                {"by": "table", "do": "mint", "to": f"m{n}", "amount": 10**9, "at": START}
            )
        answer = client.post(
            f"/worlds/{WORLD}/batch",
            json={"commands": commands},
            headers={"Authorization": f"Bearer {token}"},
        )
        answer.raise_for_status()
    return token


def measure_served(
    store: Callable[[], str], workers: int, clients: tuple[int, ...], seconds: float, runs: int
) -> dict[int, list[tuple[Load, Load]]]:
    """hightable's and the floor's loads at each number of clients, side by side: both servers
    up at once (each on a fresh store), their runs taken in turn so that the noise of a shared
    machine falls on both."""
    most = max(clients)
    pairs: dict[int, list[tuple[Load, Load]]] = {count: [] for count in clients}
    with (
        server(hightable_server(store(), workers)) as ours,
        server(floor_server(store(), workers)) as floor,
    ):
        token = make_world(ours, most)
        run_load(ours, transfers(most, token), min(1.0, seconds))  # warm every worker
        run_load(floor, transfers(most, None), min(1.0, seconds))
        for count in clients:
            for _ in range(runs):
                mine = run_load(ours, transfers(count, token), seconds)
                theirs = run_load(floor, transfers(count, None), seconds)
                pairs[count].append((mine, theirs))
    return pairs


def served_figures(
    f: dict[str, float],
    r: dict[str, float],
    name: str,
    pairs: dict[int, list[tuple[Load, Load]]],
) -> None:
    """Medians over the runs; the ratios are medians of the ratios run by run."""
    for count, runs in pairs.items():
        at = f"{name}, {count} client{'s' if count > 1 else ''}"

        def middle(
            figure: Callable[[Load], float], side: int, runs: list[tuple[Load, Load]] = runs
        ) -> float:
            return statistics.median(figure(pair[side]) for pair in runs)

        f[f"served {at}: cmd/s"] = middle(lambda load: load.ok_per_second, 0)
        f[f"served {at}: p50 ms"] = middle(lambda load: load.percentile_ms(0.5), 0)
        f[f"served {at}: p99 ms"] = middle(lambda load: load.percentile_ms(0.99), 0)
        f[f"served {at}: 5xx"] = sum(pair[0].server_errors for pair in runs)
        f[f"floor {at}: rows/s"] = middle(lambda load: load.ok_per_second, 1)
        f[f"floor {at}: p50 ms"] = middle(lambda load: load.percentile_ms(0.5), 1)
        f[f"floor {at}: p99 ms"] = middle(lambda load: load.percentile_ms(0.99), 1)
        r[f"served/floor cmd/s ({at})"] = statistics.median(
            mine.ok_per_second / max(theirs.ok_per_second, 1e-9) for mine, theirs in runs
        )
