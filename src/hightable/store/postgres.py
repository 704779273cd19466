"""The store for many nodes: PostgreSQL through psycopg 3, its connections from a bounded pool
(several servers of many threads share one PostgreSQL, whose connections are few)."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

import psycopg
import psycopg.errors
from psycopg_pool import ConnectionPool

from hightable.errors import StoreError
from hightable.store.base import Closeable, driver_message, safe_url
from hightable.store.dbapi import Connection, Cursor, Row
from hightable.store.listening import CHANNEL, Listener
from hightable.store.sql import SqlStore

POOL_CONNECTIONS_MAX = 8  # per process: threads beyond it wait their turn for a connection
# The type of each column written by `_insert_rows`, for its array.
ARRAY_OF = {
    **dict.fromkeys(("world", "at", "type", "hash", "name"), "text"),
    "seq": "bigint",
    "body": "bytea",
}
POOL_WAIT_SECONDS = 8.0
WORLD_LOCKS = 0x4854  # the first key of a world's advisory lock ("HT"); the second, its crc32


class PostgresStore(SqlStore):
    placeholder = "%s"
    blob = "BYTEA"
    integer = "BIGINT"
    upsert_snapshot = (
        "INSERT INTO snapshots (world, seq, at, body) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (world, seq) DO UPDATE SET at = EXCLUDED.at, body = EXCLUDED.body"
    )
    # Appends to one world queue on its row: the head and the tail are then read as one.
    lock_head = " FOR UPDATE OF w"
    driver_errors = (psycopg.Error,)
    unique_violation = (psycopg.errors.UniqueViolation,)

    def __init__(self, url: str) -> None:
        self._pinned = threading.local()  # the connection a thread holds a world's lock on
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_CONNECTIONS_MAX,
            # Autocommit: a read is one statement, one round trip; a write opens its own
            # transaction (`_begin`), and a commit is sent only when one is open.
            kwargs={"connect_timeout": 10, "autocommit": True},
            # A request that finds no connection within this fails (STORE-1) rather than
            # hang: with the server down, /ready says so in seconds.
            timeout=POOL_WAIT_SECONDS,
            open=False,
            name="hightable",
        )
        try:
            self._pool.open(wait=True, timeout=15)
        except psycopg.Error as error:
            self._pool.close()
            message = driver_message(error)
            raise StoreError(f"{safe_url(url)}: cannot connect ({message})") from error
        super().__init__(url)

    @contextmanager
    def _connected(self) -> Iterator[Connection]:
        pinned: Connection | None = getattr(self._pinned, "connection", None)
        if pinned is not None:
            yield pinned
            return
        with self._pool.connection() as connection:
            yield connection

    def _pipeline(self, connection: Connection) -> AbstractContextManager[object]:
        return connection.pipeline()  # type: ignore[attr-defined,no-any-return]

    def _insert_rows(
        self, cursor: Cursor, table: str, columns: Sequence[str], rows: Sequence[Row]
    ) -> None:
        """All the rows in one statement, a column an array: one statement to plan and send,
        not one a row."""
        if not rows:
            return
        arrays = ", ".join(f"%s::{ARRAY_OF[column]}[]" for column in columns)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays})",
            [list(values) for values in zip(*rows, strict=True)],
        )

    def _begin(self, cursor: Cursor, write: bool, snapshot: bool = False) -> None:
        if write:  # every other read is one statement, its own transaction
            cursor.execute("BEGIN")
        elif snapshot:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _lock_schema(self, cursor: Cursor) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('hightable schema'))")

    def _announce(self, cursor: Cursor, world: str) -> None:
        cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, world))

    def listen(self, appended: Callable[[str | None], None]) -> Closeable | None:
        return Listener(self.url, appended)

    def writing(self, world: str) -> AbstractContextManager[object]:
        return self._world_lock(world)

    @contextmanager
    def _world_lock(self, world: str) -> Iterator[None]:
        """The world's lock: a transaction this thread opens on a connection it keeps, holding
        an advisory lock on the world that PostgreSQL lets go at the transaction's end. The
        reads that catch the world up join it, and the append commits it, lock and all: no
        round trip of its own to let the lock go. Released by PostgreSQL if the process dies.
        A second world's lock taken meanwhile joins the same transaction."""
        key = (WORLD_LOCKS, zlib.crc32(world.encode()) - 2**31)
        held: psycopg.Connection[object] | None = getattr(self._local, "open", None)
        try:
            if held is not None and getattr(self._local, "held", False):
                held.execute("SELECT pg_advisory_xact_lock(%s, %s)", key)
                yield
                return
            with self._locking(key) as connection:
                self._pinned.connection = connection
                self._local.open, self._local.held = connection, True
                try:
                    yield
                finally:
                    self._pinned.connection = None
                    if self._local.open is connection:  # no write ended it: let the lock go
                        self._local.open, self._local.held = None, False
                        _release(connection)
        except psycopg.Error as error:
            raise StoreError(f"{safe_url(self.url)}: {driver_message(error)}") from error

    @contextmanager
    def _locking(self, key: tuple[int, int]) -> Iterator[psycopg.Connection[object]]:
        """A pooled connection in a transaction holding the lock of `key`. One the server
        dropped while it sat in the pool (a restart, a session ended by an operator) fails at
        its first statement, nothing yet done: the pool's idle ones are then checked, and the
        lock taken once more on a live one, rather than the write failing."""
        for last in (False, True):
            with self._pool.connection() as connection:
                try:
                    with connection.pipeline():  # one round trip for both
                        connection.execute("BEGIN")
                        connection.execute("SELECT pg_advisory_xact_lock(%s, %s)", key)
                except psycopg.OperationalError:
                    if last or not connection.broken:
                        raise
                else:
                    yield connection
                    return
            self._pool.check()

    def close(self) -> None:
        self._pool.close()


def _release(connection: psycopg.Connection[object]) -> None:
    try:
        connection.rollback()  # reads alone, or a write that failed: nothing to keep
    except BaseException:
        connection.close()  # the session's end lets the lock go
        raise
