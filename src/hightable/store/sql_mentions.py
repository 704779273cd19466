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

    def _run(self, work: Callable[[Cursor], T]) -> T:
        raise NotImplementedError

    def _insert_mentions(self, cursor: Cursor, world: str, records: Sequence[Record]) -> None:
        rows = [(world, name, seq) for r in records for seq, name in mention_rows(r.seq, r.body)]
        if rows:
            cursor.executemany(
                self._sql("INSERT INTO mentions (world, name, seq) VALUES (?, ?, ?)"), rows
            )

    def _backfill_mentions(self, cursor: Cursor) -> None:
        """Fill the index from the events a store held before it had one (migration 4)."""
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
                cursor.executemany(
                    self._sql("INSERT INTO mentions (world, name, seq) VALUES (?, ?, ?)"), found
                )
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
        seq, name = -1, ""
        while True:

            def page(cursor: Cursor, seq: int = seq, name: str = name) -> list[Row]:
                cursor.execute(
                    self._sql(
                        "SELECT seq, name FROM mentions WHERE world = ?"
                        " AND (seq > ? OR (seq = ? AND name > ?))"
                        f" ORDER BY seq, name LIMIT {read_page_records_max}"
                    ),
                    (world, seq, seq, name),
                )
                return list(cursor.fetchall())

            rows = self._run(page)
            yield from ((as_int(row[0]), str(row[1])) for row in rows)
            if len(rows) < read_page_records_max:
                return
            seq, name = as_int(rows[-1][0]), str(rows[-1][1])

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
