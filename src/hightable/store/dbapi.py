"""The part of DB-API 2 that the SQL stores use, typed once for sqlite3 and psycopg."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

Row = tuple[object, ...]  # a row as the driver gives it; the stores convert at the edges
Parameters = Sequence[object]


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
