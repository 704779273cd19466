"""The live feed scales: one read of the store per change of a world, however many watch it,
and on PostgreSQL a feed on one server wakes when another server appends (LISTEN/NOTIFY), with
no polling at all."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import aclosing
from pathlib import Path
from typing import Any

import httpx

from hightable.api.feed import Feeds, stream
from hightable.core.chain import Record
from hightable.service import WorldService
from hightable.store import MemoryStore
from hightable.store.base import Closeable
from servers import OPERATOR_HEADERS, START, start_server, stop_server

FIGURES = Path(__file__).parents[2] / "build" / "feed.json"


class TellingStore(MemoryStore):
    """A store that tells of appends, as PostgreSQL does (its readers need not poll), and
    counts the reads of its log."""

    reads = 0

    def read(self, *args: Any, **kwargs: Any) -> Iterator[Record]:
        self.reads += 1
        return super().read(*args, **kwargs)

    def listen(self, appended: Callable[[str | None], None]) -> Closeable | None:
        class Quiet:
            def close(self) -> None:
                pass

        return Quiet()


def test_three_hundred_subscribers_cost_one_read_of_the_store_per_change() -> None:
    """300 subscribers of one world, three commands: every subscriber gets every event in
    order, and the store is read once per change (by the world's watcher), never polled."""
    store = TellingStore()
    service = WorldService(store)
    service.create("w", START)
    register = {"by": "table", "do": "register", "name": "x", "at": START}
    feeds = Feeds(service)

    async def watch(seen: list[int]) -> None:
        async with aclosing(stream(feeds, "w", 0, 10, True)) as messages:
            async for message in messages:
                if message.startswith("id: "):
                    seen.append(int(message.split("\n", 1)[0][4:]))
                    if seen[-1] == 4:
                        return

    async def scene() -> list[list[int]]:
        seens: list[list[int]] = [[] for _ in range(300)]
        watchers = [asyncio.create_task(watch(seen)) for seen in seens]
        while not all(seens):  # each has read the world's first record, on its own
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        assert 0 == feeds.reads  # no change yet: no read, and no polling
        assert feeds.poll is None
        before = store.reads
        for member in ("a", "b", "c"):
            await asyncio.to_thread(service.execute, "w", {**register, "member": member})
            await asyncio.sleep(0.05)
        await asyncio.wait_for(asyncio.gather(*watchers), 10)
        # Three commands: the writer's catch-up reads, and the watcher's, not 300 per change.
        assert store.reads - before <= 3 + 3 * 2
        return seens

    seens = asyncio.run(scene())
    assert all([1, 2, 3, 4] == seen for seen in seens)  # each from the start, in order
    assert 1 <= feeds.reads <= 3 * 2  # a read per change (at most two wake-ups each), not 300


def test_a_feed_on_one_server_hears_an_append_through_another_on_postgres(
    postgres_url: str,
) -> None:
    """Two servers on one PostgreSQL: a command through one reaches a feed on the other,
    woken by NOTIFY (PostgreSQL feeds never poll); the delay is written to build/feed.json."""
    servers = [start_server(postgres_url) for _ in range(2)]
    try:
        (_, watched), (_, writer) = servers
        created = httpx.post(
            f"{writer}/worlds", json={"world": "shard", "start": START}, headers=OPERATOR_HEADERS
        )
        headers = {"Authorization": f"Bearer {created.json()['table_token']}"}
        arrived: dict[int, float] = {}
        ready = threading.Event()

        def listen() -> None:
            with (
                httpx.Client(base_url=watched, timeout=30) as client,
                client.stream(
                    "GET", "/worlds/shard/feed", params={"seconds": 20, "after": 1}, headers=headers
                ) as response,
            ):
                ready.set()
                for line in response.iter_lines():
                    if line.startswith("data: "):
                        arrived[json.loads(line[6:])["seq"]] = time.perf_counter()
                        return

        thread = threading.Thread(target=listen)
        thread.start()
        assert ready.wait(10)
        time.sleep(0.5)  # the watcher has read the head: only a notification can wake it now
        command = {"by": "table", "do": "register", "member": "john", "name": "J", "at": START}
        sent = time.perf_counter()
        answer = httpx.post(f"{writer}/worlds/shard/commands", json=command, headers=headers)
        assert 200 == answer.status_code
        thread.join(15)
        assert [2] == list(arrived)
        FIGURES.parent.mkdir(parents=True, exist_ok=True)
        FIGURES.write_text(json.dumps({"cross_server_delivery_ms": 1000 * (arrived[2] - sent)}))
    finally:
        for process, _ in servers:
            stop_server(process)
