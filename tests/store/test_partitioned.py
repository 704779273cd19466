"""PostgreSQL events hash-partitioned by world: a store with worlds is converted whole, each
statement of a world reads one partition, and the same count again changes nothing."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psycopg
import pytest
from test_tamper import START, sql

from cli_helpers import run
from hightable.core import Accepted
from hightable.errors import StoreError
from hightable.service import WorldService
from hightable.store import open_store
from hightable.store.partitioning import partition_events
from hightable.store.sharded import ShardedStore, shard_urls

WORLDS = [f"world-{n}" for n in range(10)]
REGISTER = {"by": "table", "do": "register", "member": "j", "name": "J", "at": START}


def rows(url: str, statement: str, *arguments: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(statement, arguments).fetchall()  # type: ignore[arg-type]


def filled(url: str) -> list[list[Any]]:
    """Ten worlds of a few events; their records as stored."""
    with open_store(url) as store:
        service = WorldService(store)
        for world in WORLDS:
            service.create(world, START)
            service.execute(world, REGISTER)
        return [list(store.read(world)) for world in WORLDS]


def partitions(url: str) -> list[tuple[str, int]]:
    """Each partition of `events` and the rows it holds."""
    names = rows(
        url,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = to_regclass('events') ORDER BY c.relname",
    )
    return [(name, rows(url, f"SELECT count(*) FROM {name}")[0][0]) for (name,) in names]


def test_a_store_with_worlds_is_converted_whole(postgres_url: str) -> None:
    """Every record kept, spread over the partitions; verify passes; writes go on; the indexes
    keep their names."""
    before = filled(postgres_url)
    with open_store(postgres_url) as store:
        done = partition_events(store, 4)
        assert [(4, sum(map(len, before)))] == [(d.partitions, d.events_moved) for d in done]
        assert before == [list(store.read(world)) for world in WORLDS]
        service = WorldService(store)
        assert all(service.verify(world).ok for world in WORLDS)  # type: ignore[union-attr]
        service.execute("world-1", {"by": "table", "do": "tick", "at": "2019-05-17T18:00:00Z"})
    counts = partitions(postgres_url)
    assert 4 == len(counts) and sum(map(len, before)) + 1 == sum(n for _, n in counts)
    assert sum(1 for _, n in counts if n) > 1
    indexes = {name for (name,) in rows(postgres_url, "SELECT indexname FROM pg_indexes")}
    assert {"events_pkey", "events_by_instant"} <= indexes


def test_the_same_count_again_changes_nothing_and_another_is_refused(postgres_url: str) -> None:
    filled(postgres_url)
    with open_store(postgres_url) as store:
        partition_events(store, 4)
        assert [0] == [done.events_moved for done in partition_events(store, 4)]
        with pytest.raises(StoreError, match="in 4 partitions already"):
            partition_events(store, 8)
        with pytest.raises(StoreError, match="partitions: 1 is not between 2 and"):
            partition_events(store, 1)
    assert 4 == len(partitions(postgres_url))


def test_only_postgresql_partitions(tmp_path: Path) -> None:
    for url in (f"sqlite:///{tmp_path / 'h.db'}", "memory://"):
        with open_store(url) as store, pytest.raises(StoreError, match="only a PostgreSQL"):
            partition_events(store, 4)


def test_every_shard_of_a_sharded_store_is_partitioned(sharded_url: str) -> None:
    with open_store(sharded_url) as store:
        assert isinstance(store, ShardedStore)
        assert 2 == len(partition_events(store, 3))
    assert [3, 3] == [len(partitions(url)) for url in shard_urls(sharded_url)]


def test_a_world_s_statements_read_one_partition(partitioned_url: str) -> None:
    """The head check of an append, and a read, prune to the world's partition."""
    filled(partitioned_url)
    with open_store(partitioned_url) as store:
        for statement in (
            "SELECT seq, hash FROM events WHERE world = 'world-3' ORDER BY seq DESC LIMIT 2",
            "SELECT seq FROM events WHERE world = 'world-3' AND at <= 'z' ORDER BY at DESC",
        ):
            plan = "\n".join(row[0] for row in sql(store, f"EXPLAIN {statement}"))
            scanned = {name for name, _ in partitions(partitioned_url) if name in plan}
            assert 1 == len(scanned), plan


def test_the_append_still_waits_for_the_world_s_row(partitioned_url: str) -> None:
    """An append takes its world's row FOR UPDATE before it reads the head: while another
    transaction holds the row, the append waits on that lock, then goes on once it is let go."""
    filled(partitioned_url)
    tick = {"by": "table", "do": "tick", "at": "2019-05-17T18:00:00Z"}
    with psycopg.connect(partitioned_url) as holder, open_store(partitioned_url) as store:
        service = WorldService(store)
        service.state("world-2")  # loaded: the append is the next statement to touch the row
        holder.execute("SELECT 1 FROM worlds WHERE world = 'world-2' FOR UPDATE")
        with ThreadPoolExecutor(1) as pool:
            outcome = pool.submit(service.execute, "world-2", tick)
            for _ in range(3_000):  # a minute at most, should the lock never be waited for
                assert not outcome.done(), outcome.result()
                if waiting_on_worlds(partitioned_url):
                    break
                time.sleep(0.02)
            assert waiting_on_worlds(partitioned_url)
            holder.rollback()
            assert isinstance(outcome.result(), Accepted)
    assert 3 == len(rows(partitioned_url, "SELECT * FROM events WHERE world = 'world-2'"))


def waiting_on_worlds(url: str) -> bool:
    """Whether a statement on `worlds ... FOR UPDATE` waits for a lock."""
    return bool(
        rows(
            url,
            "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND query LIKE %s AND query LIKE %s",
            "%FROM worlds%",
            "%FOR UPDATE%",
        )
    )


def test_the_command_partitions_a_store_and_refuses_a_bad_count(postgres_url: str) -> None:
    filled(postgres_url)
    code, output = run("migrate", "--partition-events", "4", "--store", postgres_url)
    assert 0 == code and "events in 4 partitions (20 events moved)" in output, output
    code, output = run("migrate", "--partition-events", "1", "--store", postgres_url)
    assert 2 == code and "--partition-events" in output, output
    code, output = run("migrate", "--partition-events", "8", "--store", postgres_url)
    assert 1 == code and "in 4 partitions already" in output, output
    code, output = run("migrate", "--store", postgres_url)
    assert 0 == code and "latest schema" in output, output
