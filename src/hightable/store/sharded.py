"""Worlds spread over several PostgreSQL databases, each world wholly in one (docs/scaling.md).

A sharded store's URL is its shards' URLs joined by commas, each with its own scheme:
`postgresql://h1:5432/a,postgresql://h2:5433/b`. A comma that no scheme follows stays inside
one URL (libpq's list of failover hosts, `postgresql://h1,h2/db`, is one shard).

A world lives in the shard `shard_index(world, count)` names: a hash of its id over the list.
So the list is fixed once the store exists: each shard records its place (position, count, and
the id of its set of shards), and a store is refused when its URL names them otherwise.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator, Sequence
from functools import partial

from hightable.core.chain import Record
from hightable.errors import StoreError
from hightable.store.base import EventStore, Snapshot, WorldSummary
from hightable.store.dbapi import Cursor
from hightable.store.postgres import PostgresStore, safe_url

SHARD_SEPARATOR = re.compile(r",\s*(?=postgres(?:ql)?://)")
# The place of a database in its set of shards. Not a numbered migration: it belongs to the
# deployment, not to the schema, and a store that is not sharded has none.
PLACE_TABLE = (
    "CREATE TABLE IF NOT EXISTS hightable_shard"
    " (position INTEGER NOT NULL, shards INTEGER NOT NULL, shard_set TEXT NOT NULL)"
)
PLACE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('hightable shard'))"

Place = tuple[int, int, str]  # position (from 0), number of shards, id of the set


def shard_urls(url: str) -> list[str]:
    """The databases a store URL names: one, or several joined by commas."""
    return SHARD_SEPARATOR.split(url.strip())


def shard_index(world: str, count: int) -> int:
    """The shard of a world: the first 8 bytes of the SHA-256 of its id, modulo the count.
    Stable across processes, versions and machines (never Python's `hash`)."""
    digest = hashlib.sha256(world.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


class ShardedStore(EventStore):
    """A routing store: each call about a world goes to that world's shard, unchanged."""

    def __init__(self, url: str) -> None:
        self.url = url
        urls = shard_urls(url)
        if len(set(urls)) != len(urls):
            raise StoreError(f"{describe(url)}: a database is named twice among the shards")
        self.shards: list[PostgresStore] = []
        try:
            for shard_url in urls:
                self.shards.append(PostgresStore(shard_url))
            place_shards(self.shards)
        except BaseException:
            self.close()
            raise

    def shard(self, world: str) -> PostgresStore:
        return self.shards[shard_index(world, len(self.shards))]

    def schema_version(self) -> int:
        return min(shard.schema_version() for shard in self.shards)

    def close(self) -> None:
        for shard in self.shards:
            shard.close()

    # -- the log: one world, one shard ---------------------------------------------------------

    def create_world(self, world: str, start: str, records: Sequence[Record]) -> None:
        self.shard(world).create_world(world, start, records)

    def append(
        self, world: str, records: Sequence[Record], snapshot: Snapshot | None = None
    ) -> None:
        self.shard(world).append(world, records, snapshot)

    def head(self, world: str) -> Record | None:
        return self.shard(world).head(world)

    def recorded_head(self, world: str) -> tuple[int, str] | None:
        return self.shard(world).recorded_head(world)

    def read(
        self, world: str, after: int = 0, until_seq: int | None = None, until_at: str | None = None
    ) -> Iterator[Record]:
        return self.shard(world).read(world, after, until_seq, until_at)

    def worlds(self) -> list[WorldSummary]:
        """Every shard's worlds, merged by id (shards may sort text by different collations)."""
        found = [summary for shard in self.shards for summary in shard.worlds()]
        return sorted(found, key=lambda summary: summary.world)

    # -- snapshots and access: where the world is ----------------------------------------------

    def save_snapshot(self, snapshot: Snapshot) -> None:
        self.shard(snapshot.world).save_snapshot(snapshot)

    def latest_snapshot(self, world: str, at_or_before: str | None = None) -> Snapshot | None:
        return self.shard(world).latest_snapshot(world, at_or_before)

    def snapshots(self, world: str) -> Iterator[Snapshot]:
        return self.shard(world).snapshots(world)

    def drop_snapshots(self, world: str | None = None) -> None:
        for shard in self.shards if world is None else [self.shard(world)]:
            shard.drop_snapshots(world)

    def save_token(self, world: str, token_hash: str, holder: str) -> None:
        self.shard(world).save_token(world, token_hash, holder)

    def token_holder(self, world: str, token_hash: str) -> str | None:
        return self.shard(world).token_holder(world, token_hash)

    def set_public(self, world: str, public: bool) -> None:
        self.shard(world).set_public(world, public)

    def is_public(self, world: str) -> bool:
        return self.shard(world).is_public(world)


def describe(url: str) -> str:
    """A store URL for messages: each database without its password."""
    return ",".join(safe_url(one) for one in shard_urls(url))


# -- each shard's place ------------------------------------------------------------------------


def place_shards(shards: Sequence[PostgresStore]) -> None:
    """Check that each database is the shard its position in the URL says, recording the
    places of new ones; refuse, before anything is written, a list that would move worlds."""
    count = len(shards)
    places = [recorded_place(shard) for shard in shards]
    sets = {place[2] for place in places if place is not None}
    for position, (shard, place) in enumerate(zip(shards, places, strict=True)):
        if place is not None:
            check_place(shard, position, count, place)
    if len(sets) > 1:
        raise StoreError(
            f"{describe(','.join(shard.url for shard in shards))}: the databases belong to"
            " different sharded stores"
        )
    for shard, place in zip(shards, places, strict=True):
        if place is None:
            shard._run(partial(refuse_worlds_placed_elsewhere, shard=shard))
    # Places missing beside recorded ones with the same count: a store being created now by
    # another process, or whose creation stopped half-way; either way, the same places.
    shard_set = sets.pop() if sets else uuid.uuid4().hex
    for position, shard in enumerate(shards):
        if places[position] is None:
            claimed = claim_place(shard, (position, count, shard_set))
            check_place(shard, position, count, claimed)
            shard_set = claimed[2]  # a store created at the same time elsewhere: its set


def check_place(shard: PostgresStore, position: int, count: int, place: Place) -> None:
    recorded_position, recorded_count, _ = place
    where = f"{safe_url(shard.url)} (shard {position + 1} of {count} in the URL)"
    if recorded_count != count:
        raise StoreError(
            f"{where} was created as shard {recorded_position + 1} of {recorded_count}: worlds"
            f" are placed by a hash of their id over the list of shards, so the list is fixed"
            f" when the store is created; name the {recorded_count} shards it was created with,"
            f" in the same order (to grow, move worlds with `hightable export` and `import`)"
        )
    if recorded_position != position:
        raise StoreError(
            f"{where} was created as shard {recorded_position + 1}: name the shards in the order"
            f" they were created with"
        )


def recorded_place(shard: PostgresStore) -> Place | None:
    return shard._run(read_place)


def read_place(cursor: Cursor) -> Place | None:
    cursor.execute("SELECT to_regclass('hightable_shard') IS NOT NULL")
    row = cursor.fetchone()
    if not row or not row[0]:
        return None
    cursor.execute("SELECT position, shards, shard_set FROM hightable_shard")
    row = cursor.fetchone()
    return (int(str(row[0])), int(str(row[1])), str(row[2])) if row else None


def claim_place(shard: PostgresStore, place: Place) -> Place:
    """Record a database's place, in one transaction, unless one is recorded (then that one).
    A database that already holds worlds is refused: they were not placed by the hash."""

    def work(cursor: Cursor) -> Place:
        cursor.execute(PLACE_LOCK)
        cursor.execute(PLACE_TABLE)
        recorded = read_place(cursor)
        if recorded is not None:
            return recorded
        refuse_worlds_placed_elsewhere(cursor, shard)
        cursor.execute(
            "INSERT INTO hightable_shard (position, shards, shard_set) VALUES (%s, %s, %s)", place
        )
        return place

    return shard._run(work)


def refuse_worlds_placed_elsewhere(cursor: Cursor, shard: PostgresStore) -> None:
    """A database that holds worlds cannot become a shard: they were not placed by the hash."""
    cursor.execute("SELECT world FROM worlds ORDER BY world LIMIT 1")
    held = cursor.fetchone()
    if held is not None:
        raise StoreError(
            f"{safe_url(shard.url)} holds worlds ({held[0]}...) and is no shard:"
            f" a store's worlds cannot join a sharded store in place; move them with"
            f" `hightable export` and `hightable import`"
        )


def refuse_a_lone_shard(store: PostgresStore) -> None:
    """A shard opened on its own would take worlds that belong elsewhere: refused."""
    place = recorded_place(store)
    if place is not None and place[1] > 1:
        store.close()
        raise StoreError(
            f"{safe_url(store.url)} is shard {place[0] + 1} of {place[1]} of a sharded store:"
            f" open it with the URL of all its shards, joined by commas"
        )
