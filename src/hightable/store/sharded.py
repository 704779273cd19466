"""Worlds spread over several PostgreSQL databases, each world wholly in one (docs/scaling.md).

A sharded store's URL is its shards' URLs joined by commas, each with its own scheme:
`postgresql://h1:5432/a,postgresql://h2:5433/b`. A comma that no scheme follows stays inside
one URL (libpq's list of failover hosts, `postgresql://h1,h2/db`, is one shard).

A world lives in the shard `shard_index(world, count)` names: a hash of its id over the list.
So the list is fixed once the store exists: each shard records its place (placement.py), and a
store is refused when its URL names them otherwise.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager

from hightable.core.chain import Record
from hightable.errors import StoreError
from hightable.store.base import (
    Closeable,
    EventStore,
    Snapshot,
    TokenInfo,
    WorldSummary,
    safe_url,
)
from hightable.store.placement import place_shards
from hightable.store.postgres import PostgresStore

SHARD_SEPARATOR = re.compile(r",\s*(?=postgres(?:ql)?://)")


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
            raise StoreError(f"{safe_url(url)}: a database is named twice among the shards")
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

    def create_world(self, world: str, start: str, records: Iterable[Record]) -> None:
        self.shard(world).create_world(world, start, records)

    def append(
        self, world: str, records: Sequence[Record], snapshot: Snapshot | None = None
    ) -> None:
        self.shard(world).append(world, records, snapshot)

    def writing(self, world: str) -> AbstractContextManager[object]:
        return self.shard(world).writing(world)

    def reading(self, world: str) -> AbstractContextManager[object]:
        return self.shard(world).reading(world)

    def listen(self, appended: Callable[[str | None], None]) -> Closeable | None:
        """Every shard's appends, told to one listener (a NOTIFY comes from the world's shard)."""
        return Listeners([shard.listen(appended) for shard in self.shards])

    def head(self, world: str) -> Record | None:
        return self.shard(world).head(world)

    def recorded_head(self, world: str) -> tuple[int, str] | None:
        return self.shard(world).recorded_head(world)

    def read(
        self, world: str, after: int = 0, until_seq: int | None = None, until_at: str | None = None
    ) -> Iterator[Record]:
        return self.shard(world).read(world, after, until_seq, until_at)

    def read_seqs(self, world: str, seqs: Sequence[int]) -> list[Record]:
        return self.shard(world).read_seqs(world, seqs)

    def mentioning(self, world: str, names: Sequence[str]) -> list[int]:
        return self.shard(world).mentioning(world, names)

    def mentions(self, world: str) -> Iterator[tuple[int, str]]:
        return self.shard(world).mentions(world)

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

    def save_token(
        self, world: str, token_hash: str, holder: str, issued_at: str = "", label: str = ""
    ) -> None:
        self.shard(world).save_token(world, token_hash, holder, issued_at, label)

    def tokens(self, world: str) -> list[TokenInfo]:
        return self.shard(world).tokens(world)

    def revoke_token(self, world: str, token_id: str, at: str) -> bool:
        return self.shard(world).revoke_token(world, token_id, at)

    def set_archived(self, world: str, archived: bool) -> None:
        self.shard(world).set_archived(world, archived)

    def is_archived(self, world: str) -> bool:
        return self.shard(world).is_archived(world)

    def delete_world(self, world: str) -> bool:
        return self.shard(world).delete_world(world)

    def problem(self) -> str | None:
        """The first shard that cannot serve, named."""
        for shard in self.shards:
            found = shard.problem()
            if found is not None:
                return f"{safe_url(shard.url)}: {found}"
        return None

    def token_holder(self, world: str, token_hash: str) -> str | None:
        return self.shard(world).token_holder(world, token_hash)

    def set_public(self, world: str, public: bool) -> None:
        self.shard(world).set_public(world, public)

    def is_public(self, world: str) -> bool:
        return self.shard(world).is_public(world)


class Listeners:
    """The shards' listeners, closed together."""

    def __init__(self, listeners: list[Closeable | None]) -> None:
        self.listeners = [listener for listener in listeners if listener is not None]

    def close(self) -> None:
        for listener in self.listeners:
            listener.close()
