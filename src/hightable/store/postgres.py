"""The store for many nodes: PostgreSQL through psycopg 3."""

from __future__ import annotations

import psycopg
import psycopg.errors

from hightable.errors import StoreError
from hightable.store.base import driver_message, safe_url
from hightable.store.dbapi import Connection, Cursor
from hightable.store.sql import SqlStore


class PostgresStore(SqlStore):
    placeholder = "%s"
    blob = "BYTEA"
    integer = "BIGINT"
    upsert_snapshot = (
        "INSERT INTO snapshots (world, seq, at, body) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (world, seq) DO UPDATE SET at = EXCLUDED.at, body = EXCLUDED.body"
    )
    # Appends to one world queue on its row: the head and the tail are then read as one.
    lock_row = " FOR UPDATE"
    driver_errors = (psycopg.Error,)
    unique_violation = (psycopg.errors.UniqueViolation,)

    def _connect(self) -> Connection:
        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as error:
            message = driver_message(error)
            raise StoreError(f"{safe_url(self.url)}: cannot connect ({message})") from error

    def _begin(self, cursor: Cursor) -> None:
        pass  # psycopg opens a transaction with the first statement

    def _lock_schema(self, cursor: Cursor) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('hightable schema'))")
