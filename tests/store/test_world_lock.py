"""One writer of a world at a time across processes: another process waits for the world's
lock while it is held, and gets it as soon as it is let go; another world never waits."""

from __future__ import annotations

import subprocess
import sys
import time

import psycopg
import pytest

from hightable.core.chain import Record
from hightable.core.engine import Accepted
from hightable.errors import Conflict
from hightable.service import WorldService
from hightable.store import MemoryStore, open_store

START = "2019-05-17T17:00:00Z"
REGISTER = {"by": "table", "do": "register", "member": "john", "name": "John", "at": START}


def the_next_record(world: str, first: Record) -> Record:
    """The record a command appends after the world's first (decided on a copy in memory)."""
    copy = WorldService(MemoryStore())
    copy.create(world, START)
    assert [first] == list(copy.store.read(world))
    copy.execute(world, REGISTER)
    return list(copy.store.read(world))[1]


TAKER = """
import sys
from hightable.core.chain import Record
from hightable.core.engine import Accepted
from hightable.errors import Conflict
from hightable.service import WorldService
from hightable.store import MemoryStore, open_store
with open_store(sys.argv[1]) as store:
    print("ready", flush=True)
    with store.writing(sys.argv[2]):
        print("got", flush=True)
"""


def taker(url: str, world: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", TAKER, url, world], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and "ready" == process.stdout.readline().strip()
    return process


def test_another_process_waits_for_the_worlds_lock_and_no_other_world_does(
    durable_url: str,
) -> None:
    with open_store(durable_url) as store, store.writing("w"):
        other_world = taker(durable_url, "v")
        assert other_world.stdout is not None
        assert "got" == other_world.stdout.readline().strip()  # another world: at once
        other_world.wait(30)
        other_world.stdout.close()
        same_world = taker(durable_url, "w")
        time.sleep(1.0)
        assert same_world.poll() is None  # still waiting while the lock is held
    assert same_world.stdout is not None
    assert "got" == same_world.stdout.readline().strip()
    assert 0 == same_world.wait(30)
    same_world.stdout.close()


def test_a_write_refused_under_the_worlds_lock_keeps_the_lock_for_the_retry(
    durable_url: str,
) -> None:
    """A writer that loses a race for a seq (Conflict) catches up and tries again under the lock
    it holds: the refused write lets nothing go, another process still waits, and the retry is
    stored."""
    service = WorldService(open_store(durable_url))
    service.create("w", START)
    store = service.store
    (first,) = store.read("w")
    following = the_next_record("w", first)
    try:
        with store.writing("w"):
            with pytest.raises(Conflict):
                store.append("w", [first])  # seq 1 again: the head is past it
            same_world = taker(durable_url, "w")
            time.sleep(1.0)
            assert same_world.poll() is None  # the lock is still held
            store.append("w", [following])
        assert same_world.stdout is not None
        assert "got" == same_world.stdout.readline().strip()
        assert 0 == same_world.wait(30)
        same_world.stdout.close()
        assert [1, 2] == [record.seq for record in store.read("w")]
    finally:
        store.close()


def test_a_write_after_the_servers_sessions_were_ended_is_accepted(postgres_url: str) -> None:
    """The pool's idle connections dropped by PostgreSQL (a restart, an operator ending the
    sessions): the next command takes the world's lock on a live connection, not a 503."""
    service = WorldService(open_store(postgres_url))
    try:
        service.create("w", START)
        ended = terminate_other_sessions(postgres_url)
        assert ended  # the store's own, idle in its pool
        assert isinstance(service.execute("w", REGISTER), Accepted)
    finally:
        service.store.close()


def terminate_other_sessions(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)
