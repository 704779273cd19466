"""Each shard's place in its sharded store, recorded in the shard itself (docs/scaling.md).

Worlds are placed by a hash of their id over the list of shards, so the list is fixed once the
store exists. Each database records its position, the number of shards, the id of its set,
and whether the set was complete; opening a sharded store checks its URL against those records
and refuses, before writing anything, a list that would send worlds elsewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial
from typing import NamedTuple

from hightable.errors import StoreError
from hightable.store.base import safe_url
from hightable.store.dbapi import Cursor
from hightable.store.postgres import PostgresStore

# Not a numbered migration: the table belongs to the deployment, not to the schema, and a store
# that is not sharded has none.
PLACE_TABLE = (
    "CREATE TABLE IF NOT EXISTS hightable_shard (position INTEGER NOT NULL,"
    " shards INTEGER NOT NULL, shard_set TEXT NOT NULL, complete BOOLEAN NOT NULL DEFAULT false)"
)
PLACE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('hightable shard'))"
GROW = "to grow, move worlds into a new sharded store with `hightable export` and `import`"


class Place(NamedTuple):
    position: int  # from 0
    shards: int
    shard_set: str  # the same in every shard of one store
    complete: bool  # every shard of the set had its place when this was written


def place_shards(shards: Sequence[PostgresStore]) -> None:
    """Check that each database is the shard its position in the URL says, recording the
    places of new ones; refuse, before anything is written, a list that would move worlds."""
    places = [recorded_place(shard) for shard in shards]
    for position, (shard, place) in enumerate(zip(shards, places, strict=True)):
        if place is not None:
            check_place(shard, position, len(shards), place)
    sets = {place.shard_set for place in places if place is not None}
    if len(sets) > 1:
        raise StoreError(f"{names(shards)}: the databases belong to different sharded stores")
    if any(place.complete for place in places if place) and None in places:
        new = shards[places.index(None)]
        raise StoreError(
            f"{safe_url(new.url)} is no shard of this sharded store, whose shards all have their"
            f" place: a shard cannot be replaced by a new database, nor added ({GROW})"
        )
    for shard, place in zip(shards, places, strict=True):
        if place is None:
            shard._run(partial(refuse_worlds_placed_elsewhere, shard=shard))
    # Places missing beside recorded ones of an incomplete set: a store being created now by
    # another process, or whose creation stopped half-way; either way, the same places.
    agreed = sets.pop() if sets else None
    for position, shard in enumerate(shards):
        if places[position] is None:
            wanted = Place(position, len(shards), agreed or uuid.uuid4().hex, False)
            claimed = claim_place(shard, wanted)
            check_place(shard, position, len(shards), claimed)
            if agreed not in (None, claimed.shard_set):
                raise StoreError(f"{names(shards)}: the databases belong to different stores")
            agreed = claimed.shard_set  # a store created at the same time elsewhere: its set
    if not all(place and place.complete for place in places):
        for shard in shards:
            shard._run(
                lambda cursor: cursor.execute("UPDATE hightable_shard SET complete = true"),
                write=True,
            )


def check_place(shard: PostgresStore, position: int, count: int, place: Place) -> None:
    where = f"{safe_url(shard.url)} (shard {position + 1} of {count} in the URL)"
    if place.shards != count:
        raise StoreError(
            f"{where} was created as shard {place.position + 1} of {place.shards}: worlds are"
            f" placed by a hash of their id over the list of shards, so the list is fixed when"
            f" the store is created; name the {place.shards} shards it was created with, in the"
            f" same order ({GROW})"
        )
    if place.position != position:
        raise StoreError(
            f"{where} was created as shard {place.position + 1}: name the shards in the order"
            f" they were created with"
        )


def names(shards: Sequence[PostgresStore]) -> str:
    return ",".join(safe_url(shard.url) for shard in shards)


def recorded_place(shard: PostgresStore) -> Place | None:
    return shard._run(read_place)


def read_place(cursor: Cursor) -> Place | None:
    cursor.execute("SELECT to_regclass('hightable_shard') IS NOT NULL")
    row = cursor.fetchone()
    if not row or not row[0]:
        return None
    cursor.execute("SELECT position, shards, shard_set, complete FROM hightable_shard")
    row = cursor.fetchone()
    if row is None:
        return None
    return Place(int(str(row[0])), int(str(row[1])), str(row[2]), bool(row[3]))


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
            "INSERT INTO hightable_shard (position, shards, shard_set, complete)"
            " VALUES (%s, %s, %s, %s)",
            place,
        )
        return place

    return shard._run(work, write=True)


def refuse_worlds_placed_elsewhere(cursor: Cursor, shard: PostgresStore) -> None:
    """A database that holds worlds cannot become a shard: they were not placed by the hash."""
    cursor.execute("SELECT world FROM worlds ORDER BY world LIMIT 1")
    held = cursor.fetchone()
    if held is not None:
        raise StoreError(
            f"{safe_url(shard.url)} holds worlds ({held[0]}...) and is no shard: a store's"
            f" worlds cannot join a sharded store in place; move them with `hightable export`"
            f" and `hightable import`"
        )


def refuse_a_lone_shard(store: PostgresStore) -> None:
    """A shard opened on its own would take worlds that belong elsewhere: refused."""
    place = recorded_place(store)
    if place is not None and place.shards > 1:
        store.close()
        raise StoreError(
            f"{safe_url(store.url)} is shard {place.position + 1} of {place.shards} of a sharded"
            f" store: open it with the URL of all its shards, joined by commas"
        )
