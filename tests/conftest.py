"""Shared by every test: the helpers on the path, and a PostgreSQL schema of one's own.

PostgreSQL is the server at 127.0.0.1:5432 (`HIGHTABLE_TEST_POSTGRES` to point elsewhere on
loopback); each test gets a schema of its own, dropped afterwards. No mock stands in for it.
The sharded store's tests also need a second server, at 127.0.0.1:5433
(`HIGHTABLE_TEST_POSTGRES_SECOND`; scripts/ensure-postgres.sh starts both): without it they fail.
"""

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from hightable.store import open_store
from hightable.store.partitioning import partition_events

sys.path.insert(0, str(Path(__file__).parent))

POSTGRES = os.environ.get("HIGHTABLE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
POSTGRES_SECOND = os.environ.get(
    "HIGHTABLE_TEST_POSTGRES_SECOND", "postgresql://postgres@127.0.0.1:5433/test"
)
TEST_PARTITIONS = 4


@contextmanager
def postgres_schema(server: str = POSTGRES) -> Iterator[str]:
    """The URL of a new, empty schema on a server, dropped afterwards."""
    schema = f"hightable_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{server}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


@pytest.fixture
def partitioned_url(postgres_url: str) -> str:
    """A PostgreSQL store whose events are hash-partitioned by world."""
    with open_store(postgres_url) as store:
        partition_events(store, TEST_PARTITIONS)
    return postgres_url


@pytest.fixture
def sharded_url() -> Iterator[str]:
    """A store sharded over two servers: a schema on each."""
    with postgres_schema(POSTGRES) as first, postgres_schema(POSTGRES_SECOND) as second:
        yield f"{first},{second}"


@pytest.fixture(params=["sqlite", "postgres"])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The stores that outlive their process."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hightable.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def pytest_sessionfinish(session: pytest.Session) -> None:
    from figures import FIGURES

    FIGURES.save()
