"""What the SQLite and PostgreSQL stores share: the statements, written once for both."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

from hightable.core.chain import Record
from hightable.errors import Archived, Conflict, Corrupt, NoSuchWorld, StoreError, WorldExists
from hightable.limits import read_page_records_max
from hightable.store.base import (
    EventStore,
    Snapshot,
    WorldSummary,
    check_next,
    check_tail,
    safe_url,
)
from hightable.store.dbapi import COLUMNS, Connection, Cursor, Row, as_int, record_of
from hightable.store.migrations import BACKFILL_MENTIONS, LATEST, MIGRATIONS, SCHEMA_TABLE
from hightable.store.sql_access import SqlAccess
from hightable.store.sql_mentions import SqlMentions
from hightable.store.sql_snapshots import SqlSnapshots
from hightable.store.sql_transactions import SqlTransactions

T = TypeVar("T")


class SqlStore(SqlTransactions, SqlAccess, SqlMentions, SqlSnapshots, EventStore):
    """An event store over a DB-API connection; subclasses say how to connect and lock.

    One connection per thread (or from a pool); each public method is one transaction, a
    read never waits for a writer.
    """

    placeholder = "?"
    blob = "BLOB"
    integer = "INTEGER"
    lock_head = ""  # what makes a read of the world's head hold its row until commit
    unique_violation: tuple[type[BaseException], ...] = ()

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._all: list[Connection] = []
        self._all_lock = threading.Lock()
        with self._transaction() as cursor:
            self._migrate(cursor)

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self.placeholder)

    # -- schema ------------------------------------------------------------------------------

    def _lock_schema(self, cursor: Cursor) -> None:
        """Keep two processes from migrating at once (SQLite's write lock already does)."""

    def _migrate(self, cursor: Cursor) -> None:
        self._lock_schema(cursor)
        cursor.execute(SCHEMA_TABLE)
        current = self._version_in(cursor)
        if current > LATEST:
            raise StoreError(
                f"{safe_url(self.url)}: schema version {current} is newer than this hightable"
            )
        for version, statements in MIGRATIONS:
            if version > current:
                for statement in statements:
                    if statement == BACKFILL_MENTIONS:
                        self._backfill_mentions(cursor)
                    else:
                        cursor.execute(statement.format(blob=self.blob, int=self.integer))
                cursor.execute(
                    self._sql("INSERT INTO hightable_schema (version) VALUES (?)"), (version,)
                )

    def schema_version(self) -> int:
        return self._run(self._version_in)

    def problem(self) -> str | None:
        try:
            version = self.schema_version()
        except StoreError:
            try:  # once more: a connection the server dropped is opened afresh
                version = self.schema_version()
            except StoreError as error:
                return str(error)
        if version != LATEST:
            return f"schema version {version}, not {LATEST}: restart to migrate"
        return None

    @staticmethod
    def _version_in(cursor: Cursor) -> int:
        cursor.execute("SELECT max(version) FROM hightable_schema")
        row = cursor.fetchone()
        return as_int(row[0]) if row and row[0] is not None else 0

    # -- the log -----------------------------------------------------------------------------

    def create_world(self, world: str, start: str, records: Iterable[Record]) -> None:
        def work(cursor: Cursor) -> None:
            cursor.execute(
                self._sql("INSERT INTO worlds (world, start) VALUES (?, ?)"), (world, start)
            )
            head = (0, "")
            for chunk in chunks(records, read_page_records_max):
                check_next(world, chunk, head)
                self._insert(cursor, world, chunk)
                head = (chunk[-1].seq, chunk[-1].hash)

        try:
            self._run(work, write=True)
        except StoreError as error:
            if isinstance(error.__cause__, self.unique_violation):
                raise WorldExists(f"a world {world!r} exists already") from None
            raise

    def append(
        self, world: str, records: Sequence[Record], snapshot: Snapshot | None = None
    ) -> None:
        def work(cursor: Cursor) -> None:
            head = self._head_checked(cursor, world)
            check_next(world, records, head)
            self._insert(cursor, world, records)
            if snapshot is not None:  # one commit, one flush to disk, for both
                self._upsert_snapshot(cursor, snapshot)
            self._announce(cursor, world)

        try:
            # Pipelined: the head is waited for, the rest goes with the commit.
            self._run(work, write=True, pipelined=True)
        except StoreError as error:
            if isinstance(error.__cause__, self.unique_violation):  # lost the race to that seq
                raise Conflict(world, records[0].seq, records[0].seq) from None
            raise

    def _insert_rows(
        self, cursor: Cursor, table: str, columns: Sequence[str], rows: Sequence[Row]
    ) -> None:
        """Rows into a table: one statement a row (SQLite runs them in C, in process)."""
        marks = ", ".join("?" * len(columns))
        cursor.executemany(
            self._sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"), rows
        )

    def _announce(self, cursor: Cursor, world: str) -> None:
        """Tell the store's listeners of the append, at its commit (where the store can)."""

    def _insert(self, cursor: Cursor, world: str, records: Sequence[Record]) -> None:
        self._insert_rows(
            cursor,
            "events",
            ("world", *COLUMNS.split(", ")),
            [(world, r.seq, r.at, r.type, r.body, r.hash) for r in records],
        )
        self._insert_mentions(cursor, world, records)
        cursor.execute(
            self._sql("UPDATE worlds SET head_seq = ?, head_hash = ? WHERE world = ?"),
            (records[-1].seq, records[-1].hash, world),
        )

    def _head_checked(self, cursor: Cursor, world: str) -> tuple[int, str]:
        """The world's recorded head, its row held until commit, checked against the last two
        records of the log (a log cut or changed under its head is found before any append);
        `Archived` for an archived world (WORLD-2). One statement: one wait for the store."""
        # The records from the head's seq less one on: those two, and any stored past the
        # head. A range of the key, which no estimate of the table's size turns into a scan of
        # the world's whole log (as `ORDER BY seq DESC LIMIT 2` became in a plan made while
        # the table was small, and kept by PostgreSQL as it grew).
        cursor.execute(
            self._sql(
                f"SELECT w.head_seq, w.head_hash, w.archived, e.{COLUMNS.replace(', ', ', e.')}"
                " FROM worlds w LEFT JOIN events e"
                " ON e.world = w.world AND e.seq >= w.head_seq - 1"
                f" WHERE w.world = ? ORDER BY e.seq DESC{self.lock_head}"
            ),
            (world,),
        )
        rows = cursor.fetchall()
        if not rows:
            raise NoSuchWorld(f"no world {world!r} in {safe_url(self.url)}")
        if rows[0][2]:
            raise Archived(f"world {world} is archived")
        head = as_int(rows[0][0]), str(rows[0][1])
        tail = [record_of(row[3:]) for row in rows if row[3] is not None]
        if not tail:  # not even the record before the head: the log was cut under it
            message = f"world {world}: seq {head[0]}: the head's record is missing"
            raise Corrupt(f"{message}, before this append; run verify", head[0])
        check_tail(world, head, tail)
        return head

    def _head_in(self, cursor: Cursor, world: str) -> tuple[int, str]:
        """The world's recorded head."""
        cursor.execute(
            self._sql("SELECT head_seq, head_hash FROM worlds WHERE world = ?"), (world,)
        )
        row = cursor.fetchone()
        if row is None:
            raise NoSuchWorld(f"no world {world!r} in {safe_url(self.url)}")
        return as_int(row[0]), str(row[1])

    def recorded_head(self, world: str) -> tuple[int, str] | None:
        def work(cursor: Cursor) -> tuple[int, str] | None:
            try:
                return self._head_in(cursor, world)
            except NoSuchWorld:
                return None

        return self._run(work)

    def head(self, world: str) -> Record | None:
        def work(cursor: Cursor) -> Record | None:
            cursor.execute(
                self._sql(
                    f"SELECT {COLUMNS} FROM events WHERE world = ? ORDER BY seq DESC LIMIT 1"
                ),
                (world,),
            )
            row = cursor.fetchone()
            return record_of(row) if row else None

        return self._run(work)

    def read(
        self, world: str, after: int = 0, until_seq: int | None = None, until_at: str | None = None
    ) -> Iterator[Record]:
        if until_at is not None:
            # Instants never go back in a log, so the events by an instant are those up to the
            # last one by then: one look into the index by instant, and a range of seqs.
            last = self._last_seq_by(world, until_at)
            until_seq = last if until_seq is None else min(until_seq, last)
        condition, arguments = "world = ? AND seq > ?", [world]
        if until_seq is not None:
            condition += " AND seq <= ?"
        statement = self._sql(
            f"SELECT {COLUMNS} FROM events WHERE {condition} ORDER BY seq"
            f" LIMIT {read_page_records_max}"
        )
        while True:
            values = [*arguments, after] + ([until_seq] if until_seq is not None else [])

            def page(cursor: Cursor, values: list[object] = values) -> list[Row]:
                cursor.execute(statement, values)
                return list(cursor.fetchall())

            rows = self._run(page)
            yield from map(record_of, rows)
            if len(rows) < read_page_records_max:
                return
            after = as_int(rows[-1][0])

    def _last_seq_by(self, world: str, instant: str) -> int:
        def work(cursor: Cursor) -> int:
            cursor.execute(
                self._sql(
                    "SELECT seq FROM events WHERE world = ? AND at <= ?"
                    " ORDER BY at DESC, seq DESC LIMIT 1"
                ),
                (world, instant),
            )
            row = cursor.fetchone()
            return as_int(row[0]) if row else 0

        return self._run(work)

    def delete_world(self, world: str) -> bool:
        def work(cursor: Cursor) -> bool:
            cursor.execute(self._sql("DELETE FROM worlds WHERE world = ?"), (world,))
            found = cursor.rowcount > 0
            for table in ("events", "snapshots", "tokens", "mentions"):
                cursor.execute(self._sql(f"DELETE FROM {table} WHERE world = ?"), (world,))
            return found

        return self._run(work, write=True)

    def worlds(self) -> list[WorldSummary]:
        def work(cursor: Cursor) -> list[WorldSummary]:
            cursor.execute(
                "SELECT w.world, w.start, max(e.seq), max(e.at) FROM worlds w"
                " JOIN events e ON e.world = w.world GROUP BY w.world, w.start ORDER BY w.world"
            )
            return [
                WorldSummary(str(row[0]), str(row[1]), as_int(row[2]), str(row[3]))
                for row in cursor.fetchall()
            ]

        return self._run(work)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of `size` (the last shorter), read as they are needed."""
    rest = iter(items)
    while chunk := list(islice(rest, size)):
        yield chunk
