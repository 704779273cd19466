"""The PostgreSQL servers of the tests, and a schema of one's own on either.

The first is 127.0.0.1:5432 (`HIGHTABLE_TEST_POSTGRES` to point elsewhere on loopback); the
second, which the sharded store's tests need, is 127.0.0.1:5433 (`HIGHTABLE_TEST_POSTGRES_SECOND`).
scripts/ensure-postgres.sh starts both; a test that cannot reach one fails, it is never skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

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
