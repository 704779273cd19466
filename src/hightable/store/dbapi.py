"""The part of DB-API 2 that the SQL stores use, typed once for sqlite3 and psycopg."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from hightable.core.chain import Record
from hightable.errors import StoreError

Row = tuple[object, ...]  # a row as the driver gives it; the stores convert at the edges
Parameters = Sequence[object]
COLUMNS = "seq, at, type, body, hash"  # a record's columns, in the order of `record_of`


class Cursor(Protocol):
    def execute(self, statement: str, parameters: Parameters = ..., /) -> object: ...

    def executemany(self, statement: str, parameters: Iterable[Parameters], /) -> object: ...

    def fetchone(self) -> Row | None: ...

    def fetchall(self) -> Sequence[Row]: ...

    @property
    def description(self) -> object: ...

    @property
    def rowcount(self) -> int: ...


class Connection(Protocol):
    def cursor(self) -> Cursor: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...


def record_of(row: Row) -> Record:
    return Record(as_int(row[0]), str(row[1]), str(row[2]), as_bytes(row[3]), str(row[4]))


def as_int(value: object) -> int:
    """An integer column's value (drivers give int; a hand-edited SQLite cell may be text)."""
    if isinstance(value, int | str | float):
        return int(value)
    raise StoreError(f"not an integer in the database: {value!r}")


def as_bytes(value: object) -> bytes:
    """A body column's value: bytes, or text written by hand."""
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise StoreError(f"not bytes in the database: {value!r}")
