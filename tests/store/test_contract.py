"""One contract, run unchanged against the memory, SQLite and PostgreSQL stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hightable.core import Ledger
from hightable.core.chain import Record
from hightable.core.instants import add_minutes
from hightable.errors import Conflict, StoreError, WorldExists
from hightable.limits import read_page_records_max
from hightable.store import EventStore, Snapshot, open_store
from hightable.store.migrations import LATEST

START = "2019-05-17T17:00:00Z"


def ticks(world: str, count: int) -> list[Record]:
    """The sealed records of a world that ticks `count` times, a minute apart."""
    ledger = Ledger.create(world, START)
    assert isinstance(ledger, Ledger)
    for minute in range(1, count + 1):
        ledger.execute({"by": "table", "do": "tick", "at": add_minutes(START, minute)})
    return ledger.records


def test_world_1_a_created_world_is_there_and_is_created_once(store: EventStore) -> None:
    """WORLD-1: the world and its first record are stored; the same id again is refused."""
    records = ticks("w", 0)
    store.create_world("w", START, records)
    assert records[0] == store.head("w")
    with pytest.raises(WorldExists):
        store.create_world("w", START, records)
    assert store.head("nowhere") is None


def test_append_continues_the_log_and_reads_it_back(store: EventStore) -> None:
    """Records appended after the head come back in order, by range."""
    records = ticks("w", 5)
    store.create_world("w", START, records[:1])
    store.append("w", records[1:4])
    store.append("w", records[4:])
    assert records == list(store.read("w"))
    assert records[2:4] == list(store.read("w", after=2, until_seq=4))
    assert records[5] == store.head("w")


def test_append_refuses_a_seq_that_is_not_next(store: EventStore) -> None:
    """Optimistic concurrency: a writer expecting another head gets Conflict; nothing is written."""
    records = ticks("w", 4)
    store.create_world("w", START, records[:2])
    with pytest.raises(Conflict):
        store.append("w", records[3:])  # a gap
    store.append("w", records[2:3])
    with pytest.raises(Conflict):
        store.append("w", records[2:])  # a seq already taken
    assert records[:3] == list(store.read("w"))


def test_read_by_instant(store: EventStore) -> None:
    """Records up to an instant, inclusive."""
    records = ticks("w", 10)
    store.create_world("w", START, records)
    assert records[:4] == list(store.read("w", until_at="2019-05-17T17:03:00Z"))
    assert records[6:8] == list(
        store.read("w", after=6, until_seq=8, until_at="2019-05-17T18:00:00Z")
    )


def test_long_logs_are_read_page_by_page(store: EventStore) -> None:
    """A log longer than a page reads whole and in order."""
    records = ticks("w", read_page_records_max + 10)
    store.create_world("w", START, records)
    assert [r.seq for r in store.read("w")] == list(range(1, read_page_records_max + 12))


def test_worlds_are_listed_and_independent(store: EventStore) -> None:
    """Many worlds in one store, each with its own seq from 1."""
    store.create_world("b", START, ticks("b", 3))
    store.create_world("a", START, ticks("a", 1))
    summary = [(w.world, w.start, w.events, w.clock) for w in store.worlds()]
    assert [
        ("a", START, 2, "2019-05-17T17:01:00Z"),
        ("b", START, 4, "2019-05-17T17:03:00Z"),
    ] == summary


def test_snapshots_are_kept_found_by_instant_and_dropped(store: EventStore) -> None:
    """The newest snapshot no later than an instant; dropping forgets them."""
    store.create_world("w", START, ticks("w", 3))
    store.save_snapshot(Snapshot("w", 2, "2019-05-17T17:01:00Z", b"two"))
    store.save_snapshot(Snapshot("w", 4, "2019-05-17T17:03:00Z", b"four"))
    store.save_snapshot(Snapshot("w", 4, "2019-05-17T17:03:00Z", b"four again"))
    assert b"four again" == store.latest_snapshot("w").body  # type: ignore[union-attr]
    assert 2 == store.latest_snapshot("w", "2019-05-17T17:02:00Z").seq  # type: ignore[union-attr]
    assert store.latest_snapshot("w", "2019-05-17T17:00:00Z") is None
    store.drop_snapshots("w")
    assert store.latest_snapshot("w") is None


def test_tokens_are_kept_by_hash_and_worlds_may_be_public(store: EventStore) -> None:
    """A token's hash names its holder in its world only; public is off until set."""
    store.create_world("w", START, ticks("w", 0))
    store.save_token("w", "abc", "table")
    store.save_token("w", "def", "john")
    assert ("table", "john", None) == (
        store.token_holder("w", "abc"),
        store.token_holder("w", "def"),
        store.token_holder("v", "abc"),
    )
    assert not store.is_public("w")
    store.set_public("w", True)
    assert store.is_public("w") and not store.is_public("v")


def test_a_reopened_store_keeps_its_worlds_and_schema(durable_url: str) -> None:
    """Opening a durable store again migrates nothing twice and loses nothing."""
    store_url = durable_url
    records = ticks("w", 2)
    with open_store(store_url) as first:
        first.create_world("w", START, records)
    with open_store(store_url) as second:
        assert records == list(second.read("w"))
        assert LATEST == second.schema_version()  # type: ignore[attr-defined]
        assert (len(records), records[-1].hash) == second.recorded_head("w")


def test_migration_3_records_the_head_of_worlds_kept_before_it(tmp_path: Path) -> None:
    """A store of version 2 (no recorded head) gets each world's head on opening."""
    path = tmp_path / "old.db"
    records = ticks("w", 3)
    with open_store(f"sqlite:///{path}") as store:
        store.create_world("w", START, records)
    with sqlite3.connect(path) as old:
        old.execute("UPDATE hightable_schema SET version = 2")
        old.execute("ALTER TABLE worlds DROP COLUMN head_seq")
        old.execute("ALTER TABLE worlds DROP COLUMN head_hash")
        old.execute("ALTER TABLE worlds DROP COLUMN archived")  # version 4's columns
        for column in ("label", "issued_at", "revoked_at"):
            old.execute(f"ALTER TABLE tokens DROP COLUMN {column}")
        old.execute("DROP TABLE mentions")  # version 5's table
    with open_store(f"sqlite:///{path}") as store:
        assert (len(records), records[-1].hash) == store.recorded_head("w")
        assert LATEST == store.schema_version()  # type: ignore[attr-defined]


def test_a_bad_url_is_a_clear_error() -> None:
    """An unknown scheme, or a database that cannot be reached, is a StoreError naming it."""
    with pytest.raises(StoreError, match="a store URL is"):
        open_store("mysql://nowhere")
    with pytest.raises(StoreError, match="cannot connect"):
        open_store("postgresql://postgres@127.0.0.1:1/none")


def with_password(url: str) -> str:
    """The URL with a password (the server trusts loopback, so it still connects)."""
    return url.replace("postgresql://postgres@", "postgresql://postgres:s3cret@", 1)


def test_a_store_error_names_the_store_without_its_password(postgres_url: str) -> None:
    """A driver's error midway names the database, never its password, in one line."""
    with open_store(with_password(postgres_url)) as store:
        with store._transaction() as cursor:  # type: ignore[attr-defined]
            cursor.execute("ALTER TABLE worlds RENAME TO worlds_gone")
        with pytest.raises(StoreError) as raised:
            store.worlds()
    message = str(raised.value)
    assert ("s3cret" in message, "postgresql://postgres@" in message) == (False, True), message
    assert 1 == len(message.splitlines()), message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres:s3cret@127.0.0.1:1/none?connect_timeout=2",
        "postgresql://postgres@127.0.0.1:1/none?password=s3cret&connect_timeout=2",
        "mysql://root:s3cret@nowhere/db",
    ],
)
def test_a_store_that_cannot_be_opened_is_named_without_its_password(url: str) -> None:
    with pytest.raises(StoreError) as raised:
        open_store(url)
    message = str(raised.value)
    assert ("s3cret" in message, 1) == (False, len(message.splitlines())), message
