"""The SQL stores' index of mentions (core/mentions.py): written beside the events in the
transaction that appends them, read by dossiers, recomputed from the log by `verify`."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from hightable.core.chain import Record
from hightable.core.mentions import mention_rows
from hightable.limits import read_page_records_max
from hightable.store.dbapi import COLUMNS, Cursor, Row, as_bytes, as_int, record_of

T = TypeVar("T")
CHUNK = 500  # values bound in one `IN (...)`: well under every driver's limit


class SqlMentions:
    """What SqlStore adds for the index; it gives `_sql`, `_run` and the record's columns."""

    def _sql(self, statement: str) -> str:
        raise NotImplementedError

    def _run(self, work: Callable[[Cursor], T], write: bool = False) -> T:
        raise NotImplementedError

    def _insert_rows(
        self, cursor: Cursor, table: str, columns: Sequence[str], rows: Sequence[Row]
    ) -> None:
        raise NotImplementedError

    def _insert_mentions(self, cursor: Cursor, world: str, records: Sequence[Record]) -> None:
        rows = [(world, name, seq) for r in records for seq, name in mention_rows(r.seq, r.body)]
        if rows:
            self._insert_rows(cursor, "mentions", ("world", "name", "seq"), rows)

    def _backfill_mentions(self, cursor: Cursor) -> None:
        """Fill the index from the events a store held before it had one (migration 5)."""
        world, seq = "", 0
        while True:
            cursor.execute(
                self._sql(
                    "SELECT world, seq, body FROM events WHERE world > ? OR (world = ? AND seq > ?)"
                    f" ORDER BY world, seq LIMIT {read_page_records_max}"
                ),
                (world, world, seq),
            )
            rows = list(cursor.fetchall())
            if not rows:
                return
            found = [
                (str(row[0]), name, at)
                for row in rows
                for at, name in mention_rows(as_int(row[1]), as_bytes(row[2]))
            ]
            if found:
                self._insert_rows(cursor, "mentions", ("world", "name", "seq"), found)
            world, seq = str(rows[-1][0]), as_int(rows[-1][1])

    def mentioning(self, world: str, names: Sequence[str]) -> list[int]:
        unique = sorted(set(names))
        found: set[int] = set()
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            marks = ", ".join("?" * len(chunk))

            def work(cursor: Cursor, chunk: list[str] = chunk, marks: str = marks) -> list[Row]:
                cursor.execute(
                    self._sql(f"SELECT seq FROM mentions WHERE world = ? AND name IN ({marks})"),
                    (world, *chunk),
                )
                return list(cursor.fetchall())

            found.update(as_int(row[0]) for row in self._run(work))
        return sorted(found)

    def mentions(self, world: str) -> Iterator[tuple[int, str]]:
        # A page is a range of seqs, read by the index on (world, seq): never a scan from the
        # start of the world's rows.
        low, head = self._mention_bounds(world)
        after = low - 1
        while after < head:
            until = after + read_page_records_max

            def page(cursor: Cursor, after: int = after, until: int = until) -> list[Row]:
                cursor.execute(
                    self._sql(
                        "SELECT seq, name FROM mentions WHERE world = ? AND seq > ? AND seq <= ?"
                        " ORDER BY seq, name"
                    ),
                    (world, after, until),
                )
                return list(cursor.fetchall())

            yield from ((as_int(row[0]), str(row[1])) for row in self._run(page))
            after = until

    def _mention_bounds(self, world: str) -> tuple[int, int]:
        def work(cursor: Cursor) -> tuple[int, int]:
            cursor.execute(
                self._sql("SELECT min(seq), max(seq) FROM mentions WHERE world = ?"), (world,)
            )
            row = cursor.fetchone()
            if not row or row[0] is None:
                return 1, 0
            return as_int(row[0]), as_int(row[1])

        return self._run(work)

    def read_seqs(self, world: str, seqs: Sequence[int]) -> list[Record]:
        wanted = sorted(set(seqs))
        records: list[Record] = []
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            marks = ", ".join("?" * len(chunk))

            def work(cursor: Cursor, chunk: list[int] = chunk, marks: str = marks) -> list[Row]:
                cursor.execute(
                    self._sql(
                        f"SELECT {COLUMNS} FROM events WHERE world = ? AND seq IN ({marks})"
                        " ORDER BY seq"
                    ),
                    (world, *chunk),
                )
                return list(cursor.fetchall())

            records.extend(map(record_of, self._run(work)))
        return records
