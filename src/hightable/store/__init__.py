"""Durable worlds: the event-store interface and its backends, named by a URL.

`sqlite:///PATH` (the default: `hightable.db` in the current folder), `postgresql://...`, several
PostgreSQL URLs joined by commas (a sharded store: `postgresql://h1/a,postgresql://h2/b`, see
store/sharded.py), or `memory://` (for tests). The URL comes from `--store` or the
`HIGHTABLE_STORE` variable.
"""

from __future__ import annotations

import os

from hightable.errors import StoreError
from hightable.store.base import EventStore, Snapshot, WorldSummary, safe_url
from hightable.store.memory import MemoryStore

DEFAULT_URL = "sqlite:///hightable.db"

__all__ = [
    "DEFAULT_URL",
    "EventStore",
    "MemoryStore",
    "Snapshot",
    "WorldSummary",
    "open_store",
    "safe_url",
    "store_url",
]


def store_url(given: str | None = None) -> str:
    return given or os.environ.get("HIGHTABLE_STORE") or DEFAULT_URL


def open_store(url: str | None = None) -> EventStore:
    """Open (and create or migrate) the store a URL names."""
    url = store_url(url)
    if url.startswith("sqlite:///"):
        from hightable.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"), url)
    if url.startswith(("postgresql://", "postgres://")):
        from hightable.store.placement import refuse_a_lone_shard
        from hightable.store.postgres import PostgresStore
        from hightable.store.sharded import ShardedStore, shard_urls

        if len(shard_urls(url)) > 1:
            return ShardedStore(url)
        store = PostgresStore(url)
        refuse_a_lone_shard(store)
        return store
    if url.startswith("memory://"):
        return MemoryStore(url)
    raise StoreError(
        f"{safe_url(url)!r}: a store URL is sqlite:///PATH, postgresql://..."
        " (or several joined by commas) or memory://"
    )
