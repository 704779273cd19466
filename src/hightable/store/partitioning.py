"""The events table of a PostgreSQL store, hash-partitioned by world (docs/scaling.md).

`partition_events(store, n)` converts a store's `events` into a table `PARTITION BY HASH
(world)` with n partitions, in one transaction: the rows are copied, the plain table dropped.
Every statement of the stores names one world, so each prunes to one partition; the primary key
`(world, seq)` holds the partition key, so it stays unique across partitions, and an append
still locks the world's row (`worlds` is not partitioned) before it reads the head.
"""

from __future__ import annotations

from dataclasses import dataclass

from hightable.errors import StoreError
from hightable.limits import event_partitions_max
from hightable.store.base import EventStore, safe_url
from hightable.store.dbapi import Cursor
from hightable.store.postgres import PostgresStore


@dataclass(frozen=True)
class Partitioned:
    """What converting one database did."""

    database: str  # its URL, without password
    partitions: int
    events_moved: int  # 0 when the table was partitioned so already


def partition_events(store: EventStore, partitions: int) -> list[Partitioned]:
    """Partition the events of every PostgreSQL database of a store (each shard of a sharded
    one). The same count again changes nothing; another count is refused."""
    from hightable.store.sharded import ShardedStore

    if not 2 <= partitions <= event_partitions_max:
        raise StoreError(f"partitions: {partitions} is not between 2 and {event_partitions_max}")
    if isinstance(store, ShardedStore):
        return [convert(shard, partitions) for shard in store.shards]
    if isinstance(store, PostgresStore):
        return [convert(store, partitions)]
    raise StoreError(f"{store.url}: only a PostgreSQL store partitions its events")


def convert(store: PostgresStore, partitions: int) -> Partitioned:
    def work(cursor: Cursor) -> Partitioned:
        # The schema's lock (no migration meanwhile), then the tables': writers wait, and
        # resolve `events` again once this commits.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('hightable schema'))")
        cursor.execute("LOCK TABLE worlds, events IN ACCESS EXCLUSIVE MODE")
        current = partitions_of(cursor)
        if current == partitions:
            return Partitioned(safe_url(store.url), partitions, 0)
        if current:
            raise StoreError(
                f"{safe_url(store.url)}: events are in {current} partitions already;"
                f" their number is not changed in place (move worlds with export and import)"
            )
        # LIKE ... INCLUDING ALL: the columns, defaults, keys and indexes the migrations made.
        cursor.execute(
            "CREATE TABLE events_partitioned (LIKE events INCLUDING ALL) PARTITION BY HASH (world)"
        )
        for remainder in range(partitions):
            cursor.execute(
                f"CREATE TABLE events_{remainder}_of_{partitions} PARTITION OF events_partitioned"
                f" FOR VALUES WITH (MODULUS {partitions}, REMAINDER {remainder})"
            )
        cursor.execute("INSERT INTO events_partitioned SELECT * FROM events")
        cursor.execute("SELECT count(*) FROM events_partitioned")
        row = cursor.fetchone()
        names = index_names(cursor, "events")
        cursor.execute("DROP TABLE events")
        cursor.execute("ALTER TABLE events_partitioned RENAME TO events")
        # The indexes keep their names (`events_pkey`, `events_by_instant`...), so that a later
        # migration naming one finds it.
        for definition, name in index_names(cursor, "events").items():
            if definition in names and names[definition] != name:
                cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{names[definition]}"')
        return Partitioned(safe_url(store.url), partitions, int(str(row[0])) if row else 0)

    return store._run(work, write=True)


def index_names(cursor: Cursor, table: str) -> dict[str, str]:
    """The indexes of a table, by what they index (their definition past `USING`)."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = to_regclass(%s)",
        (table,),
    )
    return {str(row[1]).partition(" USING ")[2]: str(row[0]) for row in cursor.fetchall()}


def partitions_of(cursor: Cursor) -> int:
    """How many partitions the store's `events` has: 0 for a plain table."""
    cursor.execute(
        "SELECT count(i.inhrelid) FROM pg_partitioned_table p"
        " LEFT JOIN pg_inherits i ON i.inhparent = p.partrelid"
        " WHERE p.partrelid = to_regclass('events')"
    )
    row = cursor.fetchone()
    return int(str(row[0])) if row else 0
