"""Clients of a real server on 127.0.0.1: each sends its requests one after the other over one
kept-alive HTTP/1.1 connection, as a game client does. Plain asyncio streams, so that the load
costs the shared machine little next to the server it measures."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Load:
    """What the clients saw: answers by status and each round trip's seconds."""

    statuses: Counter[int] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def ok_per_second(self) -> float:
        ok = sum(n for status, n in self.statuses.items() if 200 <= status < 300)
        return ok / self.elapsed if self.elapsed else 0.0

    def percentile_ms(self, share: float) -> float:
        if not self.seconds:
            return 0.0
        ordered = sorted(self.seconds)
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def request(path: str, body: Any, token: str | None) -> bytes:
    payload = json.dumps(body).encode()
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{auth}Content-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def round_trip(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, bytes]:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _client(port: int, requests: list[bytes], until: float, load: Load) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        index = 0
        while time.perf_counter() < until:
            began = time.perf_counter()
            status, _ = await round_trip(reader, writer, requests[index % len(requests)])
            load.seconds.append(time.perf_counter() - began)
            load.statuses[status] += 1
            index += 1
    finally:
        writer.close()


async def _run(port: int, per_client: list[list[bytes]], seconds: float) -> Load:
    load = Load()
    began = time.perf_counter()
    until = began + seconds
    await asyncio.gather(*(_client(port, requests, until, load) for requests in per_client))
    load.elapsed = time.perf_counter() - began
    return load


def run_load(port: int, per_client: list[list[bytes]], seconds: float) -> Load:
    """Each client sends its requests in turn (round and round) until the time is up."""
    return asyncio.run(_run(port, per_client, seconds))


def median_ms(load: Load) -> float:
    return 1000 * statistics.median(load.seconds) if load.seconds else 0.0
