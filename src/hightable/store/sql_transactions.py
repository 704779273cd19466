"""How the SQL stores hold their connections and run their transactions: one connection per
thread (or from a pool), a read joining the transaction its thread has open, a write held open
by `writing` committed by the write that ends it, driver errors never let out."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TypeVar

from hightable.errors import StoreError
from hightable.store.base import driver_message, safe_url
from hightable.store.dbapi import Connection, Cursor

T = TypeVar("T")


class SqlTransactions:
    """What SqlStore runs its statements through; subclasses say how to connect and lock."""

    url: str
    driver_errors: tuple[type[BaseException], ...] = ()
    _local: threading.local
    _all: list[Connection]
    _all_lock: threading.Lock

    def _connect(self) -> Connection:
        raise NotImplementedError

    def _begin(self, cursor: Cursor, write: bool, snapshot: bool = False) -> None:
        """Open a transaction (a write one takes whatever lock serializes writers; a
        `snapshot` one sees the store as at its first read, to its end)."""

    def _write_lock(self) -> AbstractContextManager[object]:
        """Held around each write transaction: where writers wait their turn."""
        return nullcontext()

    @contextmanager
    def _connected(self) -> Iterator[Connection]:
        """The connection a transaction runs on."""
        yield self._connection()

    def _connection(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
            with self._all_lock:
                self._all.append(connection)
        return connection

    def _pipeline(self, connection: Connection) -> AbstractContextManager[object]:
        """Where the store can, a transaction's statements sent without waiting for each one's
        answer: only a read waits, for its rows (PostgreSQL's pipeline mode)."""
        return nullcontext()

    @contextmanager
    def _transaction(
        self, write: bool = True, pipelined: bool = False, snapshot: bool = False
    ) -> Iterator[Cursor]:
        joined: Connection | None = getattr(self._local, "open", None)
        if joined is not None and write and getattr(self._local, "held", False):
            yield from self._ending_held(joined, pipelined)
            return
        if joined is not None:
            # A read made while this thread's transaction is under way (a fork reading its
            # source as it writes, a writer catching up under the world's lock) joins that
            # transaction: one connection holds one at a time.
            yield joined.cursor()
            return
        with self._write_lock() if write else nullcontext(), self._connected() as connection:
            self._local.open = connection
            try:
                with self._pipeline(connection) if pipelined else nullcontext():
                    cursor = connection.cursor()
                    self._begin(cursor, write, snapshot)
                    yield cursor
                    connection.commit()
            except BaseException:
                self._rollback(connection)
                if getattr(connection, "broken", False):  # the server went away: reconnect
                    self._forget(connection)
                raise
            finally:
                self._local.open = None

    def _ending_held(self, connection: Connection, pipelined: bool) -> Iterator[Cursor]:
        """A write in the transaction `writing` holds open (where a store holds a world's lock
        in one): it commits that transaction, and the lock with it, before it returns. A write
        that fails is undone back to where it began, the transaction and its lock kept: a
        writer that lost a race for a seq catches up and tries again still holding the world
        (`writing` lets the lock go at its end if no write commits it)."""
        try:
            with self._pipeline(connection) if pipelined else nullcontext():
                cursor = connection.cursor()
                cursor.execute("SAVEPOINT held_write")
                yield cursor
                connection.commit()
        except BaseException:
            if not self._undone_to_savepoint(connection):
                self._rollback(connection)
                self._local.open, self._local.held = None, False
            raise
        self._local.open, self._local.held = None, False

    @staticmethod
    def _undone_to_savepoint(connection: Connection) -> bool:
        """Undo the failed write alone; False if the transaction itself is gone (a failed
        commit, a connection lost)."""
        try:
            connection.cursor().execute("ROLLBACK TO SAVEPOINT held_write")
        except Exception:
            return False
        return True

    def _forget(self, connection: Connection) -> None:
        if getattr(self._local, "connection", None) is connection:
            self._local.connection = None
        with self._all_lock:
            if connection in self._all:
                self._all.remove(connection)
        try:
            connection.close()
        except Exception:
            pass

    @staticmethod
    def _rollback(connection: Connection) -> None:
        try:
            connection.rollback()
        except Exception:  # the connection may be gone; the transaction is then gone too
            pass

    def _run(self, work: Callable[[Cursor], T], write: bool = False, pipelined: bool = False) -> T:
        """Run one transaction, wrapping driver errors so that none leaks out."""
        try:
            with self._transaction(write, pipelined) as cursor:
                return work(cursor)
        except self.driver_errors as error:
            raise StoreError(f"{safe_url(self.url)}: {driver_message(error)}") from error

    @contextmanager
    def reading(self, world: str) -> Iterator[None]:
        """One read transaction, which the reads made inside join (`_transaction`)."""
        try:
            with self._transaction(write=False, snapshot=True):
                yield
        except self.driver_errors as error:
            raise StoreError(f"{safe_url(self.url)}: {driver_message(error)}") from error

    def close(self) -> None:
        with self._all_lock:
            for connection in self._all:
                try:
                    connection.close()
                except Exception:
                    pass
            self._all.clear()
        self._local = threading.local()
