"""Snapshots in the SQL stores: a state kept beside the log, only a cache of its replay (each
vouched for by the `state_sealed` event written with it, CHAIN-2)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from hightable.store.base import Snapshot
from hightable.store.dbapi import Cursor, Row, as_bytes, as_int

T = TypeVar("T")


class SqlSnapshots:
    """The snapshot part of `SqlStore`, which supplies `_run` and `_sql`; each store names its
    `upsert_snapshot` statement."""

    upsert_snapshot = ""

    def _run(self, work: Callable[[Cursor], T], write: bool = False) -> T:
        raise NotImplementedError

    def _sql(self, statement: str) -> str:
        raise NotImplementedError

    def save_snapshot(self, snapshot: Snapshot) -> None:
        self._run(lambda cursor: self._upsert_snapshot(cursor, snapshot), write=True)

    def _upsert_snapshot(self, cursor: Cursor, snapshot: Snapshot) -> None:
        cursor.execute(
            self._sql(self.upsert_snapshot),
            (snapshot.world, snapshot.seq, snapshot.at, snapshot.body),
        )

    def latest_snapshot(self, world: str, at_or_before: str | None = None) -> Snapshot | None:
        condition = "world = ?" + (" AND at <= ?" if at_or_before is not None else "")
        arguments = [world] + ([at_or_before] if at_or_before is not None else [])

        def work(cursor: Cursor) -> Snapshot | None:
            cursor.execute(
                self._sql(
                    f"SELECT seq, at, body FROM snapshots WHERE {condition}"
                    " ORDER BY seq DESC LIMIT 1"
                ),
                arguments,
            )
            row = cursor.fetchone()
            return Snapshot(world, as_int(row[0]), str(row[1]), as_bytes(row[2])) if row else None

        return self._run(work)

    def snapshots(self, world: str) -> Iterator[Snapshot]:
        after = -1
        while True:

            def one(cursor: Cursor, after: int = after) -> Row | None:
                cursor.execute(
                    self._sql(
                        "SELECT seq, at, body FROM snapshots WHERE world = ? AND seq > ?"
                        " ORDER BY seq LIMIT 1"
                    ),
                    (world, after),
                )
                return cursor.fetchone()

            row = self._run(one)
            if row is None:
                return
            after = as_int(row[0])
            yield Snapshot(world, after, str(row[1]), as_bytes(row[2]))

    def drop_snapshots(self, world: str | None = None) -> None:
        if world is None:
            self._run(lambda cursor: cursor.execute("DELETE FROM snapshots"), write=True)
        else:
            self._run(
                lambda cursor: cursor.execute(
                    self._sql("DELETE FROM snapshots WHERE world = ?"), (world,)
                ),
                write=True,
            )
