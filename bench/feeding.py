"""The live feed under many subscribers: N clients watch one world on a real server; commands
sent through it are timed from the send to each subscriber's receipt; on PostgreSQL the store's
transactions per second are counted over the same window (pg_stat_database), with one
subscriber and with N."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import psycopg

from bench.load import request, round_trip
from bench.serving import START, WORLD, hightable_server, make_world, server


async def _subscribe(port: int, token: str, after: int, seen: dict[int, list[float]]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /worlds/{WORLD}/feed?seconds=600&after={after} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\n\r\n".encode()
    )
    try:
        while line := await reader.readline():
            if line.startswith(b"id: "):
                seen.setdefault(int(line[4:]), []).append(time.perf_counter())
    finally:
        writer.close()


async def _scene(
    port: int,
    token: str,
    subscribers: int,
    commands: int,
    gap: float,
    transactions: Callable[[], int],
) -> tuple[list[float], float, int]:
    seen: dict[int, list[float]] = {}
    after = 2 * 32 + 1  # the world made by `make_world`: its creation and 64 setup events
    tasks = [asyncio.create_task(_subscribe(port, token, after, seen)) for _ in range(subscribers)]
    await asyncio.sleep(2 + subscribers / 500)  # every subscriber connected and caught up
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = {"by": "m0", "do": "transfer", "to": "m1", "amount": 1, "at": START}
    raw = request(f"/worlds/{WORLD}/commands", body, token)
    sent: dict[int, float] = {}
    counted, began = transactions(), time.perf_counter()
    for number in range(commands):
        sent[after + 1 + number] = time.perf_counter()
        await round_trip(reader, writer, raw)
        await asyncio.sleep(gap)
    await asyncio.sleep(1.0)
    elapsed, counted = time.perf_counter() - began, transactions() - counted
    writer.close()
    for task in tasks:
        task.cancel()
    delays = [at - sent[seq] for seq, ats in seen.items() if seq in sent for at in ats]
    missing = subscribers * commands - len(delays)
    return delays, counted / elapsed, missing


def postgres_transactions(url: str) -> Callable[[], int]:
    """The count of committed transactions of the database `url` names (every server's)."""
    base = url.split("?", 1)[0]

    def count() -> int:
        time.sleep(1.1)  # backends report their counts to the statistics at most once a second
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute("SELECT pg_stat_clear_snapshot()")
            row = connection.execute(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database"
                " WHERE datname = current_database()"
            ).fetchone()
        return int(row[0]) if row else 0

    return count


def measure_feed(
    url: str, workers: int, subscribers: int, commands: int, gap: float
) -> tuple[list[float], float, int]:
    """Delivery delays (s), the store's transactions per second meanwhile (0: not counted), and
    the deliveries missing."""
    counter = postgres_transactions(url) if url.startswith("postgresql") else (lambda: 0)
    with server(hightable_server(url, workers)) as port:
        token = make_world(port, 32)
        return asyncio.run(_scene(port, token, subscribers, commands, gap, counter))
