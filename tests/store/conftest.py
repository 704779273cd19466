"""The stores, each opened fresh for a test: in memory, a SQLite file, a PostgreSQL schema (with
its events in one table, or hash-partitioned by world), and a store sharded over two servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hightable.store import EventStore, open_store


@pytest.fixture(params=["memory", "sqlite", "postgres", "partitioned", "sharded"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hightable.db'}"
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture(params=["sqlite", "postgres", "partitioned"])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The stores that outlive their process and that a test may tamper with by SQL (a sharded
    store's tampering has tests of its own, test_sharded.py)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hightable.db'}"
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[EventStore]:
    opened = open_store(store_url)
    yield opened
    opened.close()
