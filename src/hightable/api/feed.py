"""The live feed: a world's events as Server-Sent Events, resumable from a seq.

However many watch a world, each process reads the store for it once per change: one watcher
per world (`WorldFeed`) reads what is new and fans it out to every subscriber of this process.
It wakes when this process commits to the world and, on PostgreSQL, when any process does
(LISTEN/NOTIFY, the notification sent by the append's own transaction); where the store cannot
tell (SQLite), the watcher polls, once per world, every `POLL_SECONDS`. A subscriber that is
behind the records the watcher keeps (resuming from an old seq) reads its own pages from the
store until it catches up.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio

from hightable.api.errors import refused
from hightable.core.chain import Record
from hightable.limits import feed_page_records_max, seq_max
from hightable.service import Closeable, WorldService

POLL_SECONDS = 0.1  # where the store cannot tell of appends: how often each world is looked at
KEEPALIVE_SECONDS = 15.0
# How long a stream goes on before its reader's access is read again: a token revoked, a world
# made private or deleted ends the streams it opened within this (the check costs a few reads).
ACCESS_SECONDS = 1.0
SHARED_CHECKS_MAX = 10_000  # (world, token) checks remembered, the stale ones dropped past it
RECENT_RECORDS = feed_page_records_max  # kept per watched world for the subscribers

_subscribers = 0  # streams open now in this process


def subscribers() -> int:
    """How many live feeds this process serves now (read by the metrics)."""
    return _subscribers


_SEQ = re.compile(r"[0-9]{1,19}")  # ASCII decimal only: int() also reads " 5", "-1" and "١٢"


def resume_after(last_event_id: str | None) -> int:
    """The seq a reconnecting client saw last: ASCII decimal, 0 to 2^62, or CMD-1."""
    if last_event_id is None:
        return 0
    if not _SEQ.fullmatch(last_event_id) or int(last_event_id) > seq_max:
        raise refused(
            "CMD-1", f"Last-Event-ID: {last_event_id[:32]!r} is not a seq (0 to {seq_max})"
        )
    return int(last_event_id)


class WorldFeed:
    """One watched world: its last records read, and a pulse for each new read."""

    def __init__(self, world: str) -> None:
        self.world = world
        # The last seq the watcher read and its hash (a log without it there is another
        # world's), as one value: a reader in another thread never sees one without the other.
        self.last: tuple[int, str] = (0, "")
        self.replaced = False  # the world was deleted (and perhaps made again): streams end
        self.recent: deque[Record] = deque(maxlen=RECENT_RECORDS)
        self.changed = asyncio.Event()  # set (then replaced) when records arrive
        self.wake = asyncio.Event()  # set when the store may hold more
        self.subscribers = 0
        self.task: asyncio.Task[None] | None = None

    @property
    def head(self) -> int:
        return self.last[0]

    def records_after(self, after: int) -> list[Record] | None:
        """What is new after a seq, from the records kept; None if the subscriber is behind
        them and must read the store itself."""
        if after >= self.head:
            return []
        if self.recent and self.recent[0].seq <= after + 1:
            return [r for r in self.recent if r.seq > after][:feed_page_records_max]
        return None

    def arrived(self, records: list[Record]) -> None:
        self.recent.extend(records)
        self.last = (records[-1].seq, records[-1].hash)
        self._pulse()

    def replace(self) -> None:
        """The world it watched is gone: its subscribers end their streams."""
        self.replaced = True
        if self.task is not None:
            self.task.cancel()
        self._pulse()

    def _pulse(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()


class SharedChecks:
    """The access checks of the streams of one world and token in this process, shared: read
    from the store at most once every `ACCESS_SECONDS`, whatever the number of streams (a
    thousand spectators of one world would otherwise make a thousand reads a second)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str | None], tuple[float, bool]] = {}
        self._lock = threading.Lock()  # the checks run in threads

    def allowed(self, world: str, token: str | None, check: Callable[[], bool]) -> bool:
        began = time.monotonic()
        with self._lock:
            seen = self._seen.get((world, token))
        if seen is not None and began - seen[0] < ACCESS_SECONDS:
            return seen[1]
        allowed = check()
        with self._lock:
            if len(self._seen) >= SHARED_CHECKS_MAX:  # the stale ones go first
                self._seen = {k: v for k, v in self._seen.items() if began - v[0] < ACCESS_SECONDS}
            # As of when the check began: a revocation made during it is seen next time.
            self._seen[(world, token)] = (began, allowed)
        return allowed


class Feeds:
    """The live feeds of this process, one watcher per world watched."""

    def __init__(self, service: WorldService) -> None:
        self.service = service
        self.checks = SharedChecks()
        self.worlds: dict[str, WorldFeed] = {}
        self.poll: float | None = POLL_SECONDS
        self.reads = 0  # of the store by the watchers (for the benchmark)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: Closeable | None = None
        self._starting = asyncio.Lock()

    async def _start(self) -> None:
        async with self._starting:
            if self._loop is asyncio.get_running_loop():
                return
            self.close()  # a listener of another event loop (an application run again)
            self._loop = asyncio.get_running_loop()
            self._listener = await anyio.to_thread.run_sync(
                self.service.watch_appends, self._appended
            )
            self.poll = None if self._listener is not None else POLL_SECONDS

    def _appended(self, world: str | None) -> None:
        """From any thread: the world (None: any world) may hold more."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wake, world)

    def _wake(self, world: str | None) -> None:
        for feed in self.worlds.values() if world is None else [self.worlds.get(world)]:
            if feed is not None:
                feed.wake.set()

    @asynccontextmanager
    async def subscribed(self, world: str) -> AsyncIterator[WorldFeed]:
        await self._start()
        kept = self.worlds.get(world)
        if kept is not None and not await anyio.to_thread.run_sync(holds, self.service, kept):
            self._replaced(kept)  # what it keeps is of a world deleted since
        if world not in self.worlds:
            head = await anyio.to_thread.run_sync(head_of, self.service, world)
            if world not in self.worlds:  # no other subscriber made it meanwhile
                made = self.worlds[world] = WorldFeed(world)
                made.last = head
                made.task = asyncio.create_task(self._watch(made))
        feed = self.worlds[world]
        feed.subscribers += 1
        try:
            yield feed
        finally:
            feed.subscribers -= 1
            if feed.subscribers == 0 and self.worlds.get(world) is feed:
                del self.worlds[world]
                if feed.task is not None:
                    feed.task.cancel()

    async def _watch(self, feed: WorldFeed) -> None:
        while True:
            with anyio.move_on_after(self.poll if self.poll is not None else float("inf")):
                await feed.wake.wait()
            feed.wake.clear()
            while True:
                self.reads += 1
                records = await anyio.to_thread.run_sync(following, self.service, feed)
                if records is None:
                    self._replaced(feed)
                    return
                if not records:
                    break
                feed.arrived(records)
                if len(records) < feed_page_records_max:
                    break

    def _replaced(self, feed: WorldFeed) -> None:
        if self.worlds.get(feed.world) is feed:
            del self.worlds[feed.world]
        feed.replace()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None


async def stream(
    feeds: Feeds,
    world: str,
    after: int,
    seconds: float,
    names: bool,
    allowed: Callable[[], bool] = lambda: True,
) -> AsyncIterator[str]:
    """Send what is new after `after`, in order, as the world's watcher reads it, while the
    reader may read the world (`allowed`, asked again every `ACCESS_SECONDS` it streams)."""
    global _subscribers
    _subscribers += 1
    try:
        async for chunk in _sent(feeds, world, after, seconds, names, allowed):
            yield chunk
    finally:
        _subscribers -= 1


async def _sent(
    feeds: Feeds,
    world: str,
    after: int,
    seconds: float,
    names: bool,
    allowed: Callable[[], bool],
) -> AsyncIterator[str]:
    yield "retry: 1000\n\n"
    async with feeds.subscribed(world) as feed:
        checked = quiet_since = time.monotonic()
        with anyio.move_on_after(seconds):
            while True:
                changed = feed.changed
                if feed.replaced:
                    return
                if time.monotonic() - checked >= ACCESS_SECONDS:
                    if not await anyio.to_thread.run_sync(allowed):
                        return
                    checked = time.monotonic()
                records = feed.records_after(after)
                if records is None:  # behind what the watcher keeps: read the store itself
                    records = await anyio.to_thread.run_sync(page, feeds.service, world, after)
                for record in records:
                    name = f"event: {record.type}\n" if names else ""
                    yield f"id: {record.seq}\n{name}data: {record.body.decode()}\n\n"
                    after = record.seq
                if records:
                    quiet_since = time.monotonic()
                    continue
                with anyio.move_on_after(max(ACCESS_SECONDS, POLL_SECONDS)):  # asked when quiet too
                    await changed.wait()
                if time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:  # keeps proxies open
                    quiet_since = time.monotonic()
                    yield ": still here\n\n"


def head_of(service: WorldService, world: str) -> tuple[int, str]:
    """The world's last seq and hash (0 and none for no world)."""
    head = service.head_seq(world) or 0
    last = next(service.records(world, max(head - 1, 0), limit=1), None) if head else None
    return (last.seq, last.hash) if last else (0, "")


def holds(service: WorldService, feed: WorldFeed) -> bool:
    """Whether the world's log still holds the record the watcher read last."""
    return following(service, feed, 0) is not None


def following(
    service: WorldService, feed: WorldFeed, limit: int = feed_page_records_max
) -> list[Record] | None:
    """What is new after the watcher's head, read from the head itself (one read); None if the
    log no longer holds that head: the world was deleted, and perhaps made again."""
    last = feed.last
    if not last[0]:
        return page(service, feed.world, 0, limit)
    records = page(service, feed.world, last[0] - 1, limit + 1)
    if not records or (records[0].seq, records[0].hash) != last:
        return None
    return records[1:]


def page(
    service: WorldService, world: str, after: int, limit: int = feed_page_records_max
) -> list[Record]:
    return list(service.records(world, after, limit=limit))
