"""The embedded default store: one SQLite file in WAL mode, durable at every commit."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager, nullcontext

from hightable.errors import StoreError
from hightable.store.base import driver_message
from hightable.store.dbapi import Connection, Cursor
from hightable.store.filelock import WHOLE_STORE, FileLocks, world_byte
from hightable.store.sql import SqlStore


class SqliteStore(SqlStore):
    placeholder = "?"
    blob = "BLOB"
    integer = "INTEGER"
    upsert_snapshot = "INSERT OR REPLACE INTO snapshots (world, seq, at, body) VALUES (?, ?, ?, ?)"
    driver_errors = (sqlite3.Error,)
    unique_violation = (sqlite3.IntegrityError,)

    def __init__(self, path: str, url: str | None = None) -> None:
        self.path = path
        self._locks = FileLocks(f"{path}-lock") if path and path != ":memory:" else None
        super().__init__(url or f"sqlite:///{path}")

    def _connect(self) -> Connection:
        try:
            connection = sqlite3.connect(
                self.path, timeout=60, isolation_level=None, check_same_thread=False
            )
            connection.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk before it returns, so an acknowledged command survives
            # a crash or a power cut (NORMAL could lose the last commits in WAL mode).
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA busy_timeout=60000")
        except sqlite3.Error as error:
            raise StoreError(f"{self.url}: {driver_message(error)}") from error
        return _Autocommit(connection)

    def _begin(self, cursor: Cursor, write: bool, snapshot: bool = False) -> None:
        # IMMEDIATE takes the write lock at once: writers queue instead of failing mid-way.
        # A read takes no lock: in WAL mode it sees the last commit while a writer writes,
        # and keeps seeing it to the end of its transaction.
        cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def _write_lock(self) -> AbstractContextManager[object]:
        # Writers queue in the kernel first, so that SQLite's busy handler (which sleeps and
        # polls, up to 100 ms a turn) almost never has to wait for one.
        return self._locks.held(WHOLE_STORE) if self._locks else nullcontext()

    def writing(self, world: str) -> AbstractContextManager[object]:
        return self._locks.held(world_byte(world)) if self._locks else nullcontext()

    def close(self) -> None:
        super().close()
        if self._locks:
            self._locks.close()


class _Autocommit:
    """A sqlite3 connection driven by explicit BEGIN/COMMIT, as the shared SQL expects."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def cursor(self) -> sqlite3.Cursor:
        return self._connection.cursor()

    def commit(self) -> None:
        if self._connection.in_transaction:
            self._connection.execute("COMMIT")

    def rollback(self) -> None:
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK")

    def close(self) -> None:
        self._connection.close()
