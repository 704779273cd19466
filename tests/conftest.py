"""Shared by every test: the helpers on the path, and a PostgreSQL schema of one's own.

PostgreSQL is the server at 127.0.0.1:5432 (`HIGHTABLE_TEST_POSTGRES` to point elsewhere on
loopback); each test gets a schema of its own, dropped afterwards. No mock stands in for it.
"""

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).parent))

POSTGRES = os.environ.get("HIGHTABLE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    schema = f"hightable_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


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
