"""A live feed already open holds only while its reader may read: a token revoked, a world
deleted (and made again under its id) end it, and never is one world's event sent as another's."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from contextlib import aclosing

import httpx
import pytest

from hightable.api import feed as feed_module
from hightable.api.feed import Feeds, stream
from hightable.service import WorldService
from hightable.store import MemoryStore
from servers import OPERATOR_HEADERS, START, start_server, stop_server

LATER = "2030-01-01T00:00:00Z"


def register(member: str, at: str = START) -> dict[str, str]:
    return {"by": "table", "do": "register", "member": member, "name": member, "at": at}


async def seqs_and_bodies(messages: list[str]) -> list[tuple[int, dict[str, object]]]:
    found = []
    for message in messages:
        if message.startswith("id: "):
            head, data = message.split("\n", 1)[0], message.rsplit("data: ", 1)[1]
            found.append((int(head[4:]), json.loads(data)))
    return found


def refused_midway(seconds: float, wait: float, quiet: bool) -> list[str]:
    """What a stream of a fresh world sent before it ended (within `wait` seconds): its
    reader's access is refused once the first event is sent, then a member is registered
    unless the world stays `quiet`."""
    service = WorldService(MemoryStore())
    service.create("w", START)
    feeds = Feeds(service)
    allowed = [True]

    async def scene() -> list[str]:
        sent: list[str] = []

        async def watch() -> None:
            messages = stream(feeds, "w", 0, seconds, True, lambda: allowed[0])
            async with aclosing(messages):
                async for message in messages:
                    sent.append(message)

        watcher = asyncio.create_task(watch())
        while not any(m.startswith("id: 1") for m in sent):
            await asyncio.sleep(0.02)
        allowed[0] = False  # revoked
        if not quiet:
            await asyncio.to_thread(service.execute, "w", register("john"))
        await asyncio.wait_for(watcher, wait)
        return sent

    return asyncio.run(scene())


def test_a_feed_ends_once_its_reader_may_no_longer_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Access is asked again before each delivery: once refused, nothing more is sent."""
    monkeypatch.setattr(feed_module, "ACCESS_SECONDS", 0.0)
    sent = refused_midway(10, 5, quiet=False)  # ended, well before its ten seconds
    assert [1] == [seq for seq, _ in asyncio.run(seqs_and_bodies(sent))]


def test_a_world_deleted_and_made_again_is_never_fed_as_the_old_one() -> None:
    """A watcher of the old world is dropped: its subscribers' streams end, and a new
    subscriber reads the new world from its first event, not the old world's kept records."""
    store = MemoryStore()
    service, elsewhere = WorldService(store), WorldService(store)
    service.create("w", START)
    for member in ("john", "winston"):
        service.execute("w", register(member))
    feeds = Feeds(service)

    async def scene() -> tuple[list[str], list[str]]:
        old: list[str] = []
        new: list[str] = []

        async def watch(sent: list[str], seconds: float) -> None:
            async with aclosing(stream(feeds, "w", 0, seconds, True)) as messages:
                async for message in messages:
                    sent.append(message)

        first = asyncio.create_task(watch(old, 3))
        while not any(m.startswith("id: 3") for m in old):
            await asyncio.sleep(0.02)
        # Another process deletes the world and makes it again: no commit of this one tells.
        await asyncio.to_thread(elsewhere.delete, "w")
        await asyncio.to_thread(elsewhere.create, "w", LATER)
        second = asyncio.create_task(watch(new, 0.5))
        await asyncio.wait_for(asyncio.gather(first, second), 5)
        return old, new

    old, new = asyncio.run(scene())
    assert [1, 2, 3] == [seq for seq, _ in asyncio.run(seqs_and_bodies(old))]
    fed = asyncio.run(seqs_and_bodies(new))
    assert [(1, LATER)] == [(seq, body["at"]) for seq, body in fed]


def test_a_revoked_token_ends_the_feed_it_opened(tmp_path: object) -> None:
    """Over HTTP: a member's feed, open when the table revokes its token, sends nothing after."""
    process, base = start_server(f"sqlite:///{tmp_path}/feed.db")
    try:
        created = httpx.post(
            f"{base}/worlds", json={"world": "w", "start": START}, headers=OPERATOR_HEADERS
        ).json()
        table = {"Authorization": f"Bearer {created['table_token']}"}
        httpx.post(f"{base}/worlds/w/commands", json=register("john"), headers=table)
        issued = httpx.post(f"{base}/worlds/w/tokens", json={"member": "john"}, headers=table)
        john = {"Authorization": f"Bearer {issued.json()['token']}"}
        seen: list[int] = []
        ready, ended = threading.Event(), threading.Event()

        def listen() -> None:
            with (
                httpx.Client(base_url=base, timeout=30) as client,
                client.stream("GET", "/worlds/w/feed", params={"seconds": 20}, headers=john) as r,
            ):
                for line in r.iter_lines():
                    if line.startswith("id: "):
                        seen.append(int(line[4:]))
                        ready.set()
            ended.set()

        threading.Thread(target=listen, daemon=True).start()
        assert ready.wait(10)
        (listed,) = [
            t
            for t in httpx.get(f"{base}/worlds/w/tokens", headers=table).json()
            if t["member"] == "john"
        ]
        revoked = httpx.delete(f"{base}/worlds/w/tokens/{listed['id']}", headers=table)
        assert 204 == revoked.status_code
        time.sleep(feed_module.ACCESS_SECONDS + 0.2)
        for member in ("winston", "elder"):
            httpx.post(f"{base}/worlds/w/commands", json=register(member), headers=table)
        assert ended.wait(10)
        assert [1, 2] == seen
    finally:
        stop_server(process)


def test_the_streams_of_one_world_and_token_share_one_check_a_second(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A thousand streams with one token cost one read of access a second, not a thousand; a
    revocation is still seen within the second, and another token is checked on its own."""
    clock = [100.0]
    monkeypatch.setattr(feed_module.time, "monotonic", lambda: clock[0])
    checks = feed_module.SharedChecks()
    reads: list[str | None] = []
    revoked: set[str | None] = set()

    def check(token: str | None) -> bool:
        reads.append(token)
        return token not in revoked

    assert all(checks.allowed("w", "a", lambda: check("a")) for _ in range(1000))
    assert ["a"] == reads
    assert checks.allowed("w", "b", lambda: check("b")) and ["a", "b"] == reads
    revoked.add("a")
    clock[0] += feed_module.ACCESS_SECONDS
    assert not any(checks.allowed("w", "a", lambda: check("a")) for _ in range(1000))
    assert ["a", "b", "a"] == reads


def test_a_feed_of_a_quiet_world_ends_once_its_reader_may_no_longer_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No event after the revocation: the stream still asks again and ends, well before its
    thirty seconds and before the comment that keeps an idle stream open is due."""
    monkeypatch.setattr(feed_module, "ACCESS_SECONDS", 0.0)
    sent = refused_midway(30, feed_module.KEEPALIVE_SECONDS / 2, quiet=True)
    assert [1] == [seq for seq, _ in asyncio.run(seqs_and_bodies(sent))]
    assert not any(m.startswith(":") for m in sent)
