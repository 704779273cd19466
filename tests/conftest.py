"""Shared by every test: the helpers on the path, and a PostgreSQL schema of one's own.

PostgreSQL is the server at 127.0.0.1:5432, and a second at 127.0.0.1:5433 for the sharded store
(tests/databases.py says how to point elsewhere); each test gets a schema of its own on each
server it uses, dropped afterwards. No mock stands in for either.
"""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hightable.store import open_store
from hightable.store.partitioning import partition_events

sys.path.insert(0, str(Path(__file__).parent))

from databases import (  # noqa: E402  (on the path from the line above)
    POSTGRES,
    POSTGRES_SECOND,
    TEST_PARTITIONS,
    postgres_schema,
)


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
