"""A store sharded over two PostgreSQL servers: each world wholly in the shard its id's hash
names, listings merged, and a list of shards other than the one recorded refused."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from test_tamper import START, sql, stored_world

from cli_helpers import run
from databases import POSTGRES, POSTGRES_SECOND, postgres_schema
from hightable.errors import Corrupt, StoreError
from hightable.service import WorldService
from hightable.store import open_store
from hightable.store.sharded import ShardedStore, shard_index, shard_urls

WORLDS = sorted(f"world-{n}" for n in range(12))
REGISTER = {"by": "table", "do": "register", "member": "j", "name": "J", "at": START}
MINT = {"by": "table", "do": "mint", "to": "john", "amount": 1, "at": "2019-05-17T17:07:00Z"}


def rows(url: str, statement: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(statement).fetchall()  # type: ignore[arg-type]


def test_a_url_names_its_shards_each_with_its_scheme() -> None:
    """Commas before a scheme part the shards; libpq's failover hosts stay one URL."""
    assert ["postgresql://h1:5432/a", "postgres://h2:5433/b"] == shard_urls(
        "postgresql://h1:5432/a, postgres://h2:5433/b"
    )
    assert ["postgresql://h1:5432,h2:5433/a"] == shard_urls("postgresql://h1:5432,h2:5433/a")


def test_the_shard_of_a_world_is_a_hash_of_its_id_that_never_changes() -> None:
    """SHA-256 of the id, its first 8 bytes modulo the count: worlds stay where they were put,
    whatever process, version or machine looks them up."""
    for world in ("a", "john-wick", "w", "ü"):
        digest = hashlib.sha256(world.encode()).digest()
        for count in (2, 3, 7):
            assert int.from_bytes(digest[:8], "big") % count == shard_index(world, count)
    # Pinned: a change here would move every stored world to another shard.
    assert [0, 0, 0, 1, 1] == [shard_index(w, 2) for w in ("a", "b", "c", "d", "john-wick")]


def test_each_world_lives_wholly_in_its_shard_and_listing_merges_them(sharded_url: str) -> None:
    """Its events, snapshots and tokens on one server; the list has every world of both."""
    with open_store(sharded_url) as store:
        service = WorldService(store, snapshot_every=2)
        for world in WORLDS:
            service.create(world, START)
            service.execute(world, REGISTER)
            service.execute(world, {"by": "table", "do": "tick", "at": "2019-05-17T18:00:00Z"})
            service.issue_token(world)
        assert WORLDS == [summary.world for summary in service.worlds()]
    urls = shard_urls(sharded_url)
    for table in ("worlds", "events", "snapshots", "tokens"):
        placed = {
            (str(world), position)
            for position, url in enumerate(urls)
            for (world,) in rows(url, f"SELECT DISTINCT world FROM {table}")
        }
        assert {(world, shard_index(world, 2)) for world in WORLDS} == placed, table
    assert {0, 1} == {shard_index(world, 2) for world in WORLDS}  # both shards hold worlds


def test_a_reopened_sharded_store_finds_every_world(sharded_url: str) -> None:
    with open_store(sharded_url) as store:
        for world in WORLDS:
            WorldService(store).create(world, START)
    with open_store(sharded_url) as store:
        assert isinstance(store, ShardedStore)
        assert all(store.head(world) is not None for world in WORLDS)


def test_shards_named_in_another_order_are_refused(sharded_url: str) -> None:
    open_store(sharded_url).close()
    first, second = shard_urls(sharded_url)
    with pytest.raises(StoreError, match="was created as shard 2: name the shards in the order"):
        open_store(f"{second},{first}")


def test_a_shard_added_later_is_refused_and_nothing_is_recorded_in_it(sharded_url: str) -> None:
    """A third database would move a third of the worlds: refused, before anything is written
    in it (it stays a store of its own), and the two shards still serve their worlds."""
    with open_store(sharded_url) as store:
        for world in WORLDS:
            WorldService(store).create(world, START)
    with postgres_schema(POSTGRES) as third:
        with pytest.raises(StoreError, match="was created as shard 1 of 2"):
            open_store(f"{sharded_url},{third}")
        assert [(None,)] == rows(third, "SELECT to_regclass('hightable_shard')")
        with open_store(third) as alone:
            assert [] == alone.worlds()
    with open_store(sharded_url) as store:
        assert WORLDS == [summary.world for summary in store.worlds()]


def test_a_shard_replaced_by_a_new_database_is_refused(sharded_url: str) -> None:
    """Once every shard has its place, an empty database in a shard's stead is refused: its
    worlds would vanish from view, and new ones land where the real shard never sees them."""
    with open_store(sharded_url) as store:
        for world in WORLDS:
            WorldService(store).create(world, START)
    first, _ = shard_urls(sharded_url)
    with postgres_schema(POSTGRES_SECOND) as stranger:
        with pytest.raises(StoreError, match="is no shard of this sharded store"):
            open_store(f"{first},{stranger}")
        assert [(None,)] == rows(stranger, "SELECT to_regclass('hightable_shard')")


def test_a_shard_opened_alone_is_refused(sharded_url: str) -> None:
    """It would take worlds whose hash names the other shard."""
    open_store(sharded_url).close()
    for position, url in enumerate(shard_urls(sharded_url), start=1):
        with pytest.raises(StoreError, match=f"is shard {position} of 2 of a sharded store"):
            open_store(url)


def test_a_store_holding_worlds_cannot_become_a_shard() -> None:
    """Its worlds were not placed by the hash; and the other database gets no place either."""
    with postgres_schema(POSTGRES) as full, postgres_schema(POSTGRES_SECOND) as empty:
        with open_store(full) as store:
            WorldService(store).create("w", START)
        with pytest.raises(StoreError, match="holds worlds \\(w...\\) and is no shard"):
            open_store(f"{empty},{full}")
        open_store(empty).close()  # not refused as a lone shard: nothing was recorded


def test_shards_of_two_sharded_stores_are_not_mixed() -> None:
    with (
        postgres_schema(POSTGRES) as a1,
        postgres_schema(POSTGRES_SECOND) as a2,
        postgres_schema(POSTGRES) as b1,
        postgres_schema(POSTGRES_SECOND) as b2,
    ):
        open_store(f"{a1},{a2}").close()
        open_store(f"{b1},{b2}").close()
        with pytest.raises(StoreError, match="belong to different sharded stores"):
            open_store(f"{a1},{b2}")


def test_a_database_named_twice_is_refused(postgres_url: str) -> None:
    with pytest.raises(StoreError, match="named twice"):
        open_store(f"{postgres_url},{postgres_url}")


def test_stores_opened_at_once_on_new_shards_agree_on_their_places() -> None:
    """Two processes creating the same sharded store at the same moment: one set of places."""
    for _ in range(3):
        with postgres_schema(POSTGRES) as first, postgres_schema(POSTGRES_SECOND) as second:
            with ThreadPoolExecutor(6) as pool:
                opened = list(pool.map(lambda _: open_store(f"{first},{second}"), range(6)))
            for store in opened:
                store.close()
            places = [rows(url, "TABLE hightable_shard") for url in (first, second)]
            assert [[(0, 2, True)], [(1, 2, True)]] == [
                [(p[0], p[1], p[3]) for p in place] for place in places
            ]
            assert 1 == len({place[0][2] for place in places})


def test_chain_1_a_tampered_shard_is_caught_by_the_next_append(sharded_url: str) -> None:
    """The last event of a world deleted in its shard: the next command is refused as
    corruption, and verify names it, through the sharded store."""
    with open_store(sharded_url) as store:
        assert isinstance(store, ShardedStore)
        service = stored_world(store)
        sql(store.shard("w"), "DELETE FROM events WHERE world = 'w' AND seq = 6")
        with pytest.raises(Corrupt) as caught:
            WorldService(store).execute("w", MINT)
        assert 6 == caught.value.seq
        verdict = service.verify("w")
        assert not verdict.ok and 6 == verdict.bad_seq  # type: ignore[union-attr]


def test_the_command_line_takes_a_sharded_url(sharded_url: str) -> None:
    """`--store` with several URLs: worlds created and listed across both shards."""
    for world in WORLDS:
        assert 0 == run("world", "new", world, "--start", START, "--store", sharded_url)[0]
    code, output = run("world", "list", "--store", sharded_url)
    assert 0 == code and WORLDS == [line.split()[0] for line in output.splitlines()], output
