"""Access in the SQL stores: token hashes (listed and revoked by the table), public and archived
worlds. Every check reads the store, so that a revocation holds for every process at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hightable.store.base import TOKEN_ID_LENGTH, TokenInfo
from hightable.store.dbapi import Cursor

T = TypeVar("T")

# A token's id is the start of its hash: SUBSTR reads it alike in SQLite and PostgreSQL.
TOKEN_ID = f"SUBSTR(hash, 1, {TOKEN_ID_LENGTH})"


class SqlAccess:
    """The access part of `SqlStore`, which supplies `_run` and `_sql`."""

    def _run(self, work: Callable[[Cursor], T], write: bool = False) -> T:
        raise NotImplementedError

    def _sql(self, statement: str) -> str:
        raise NotImplementedError

    def save_token(
        self, world: str, token_hash: str, holder: str, issued_at: str = "", label: str = ""
    ) -> None:
        self._run(
            lambda cursor: cursor.execute(
                self._sql(
                    "INSERT INTO tokens (world, hash, holder, issued_at, label)"
                    " VALUES (?, ?, ?, ?, ?)"
                ),
                (world, token_hash, holder, issued_at, label),
            ),
            write=True,
        )

    def token_holder(self, world: str, token_hash: str) -> str | None:
        def work(cursor: Cursor) -> str | None:
            cursor.execute(
                self._sql(
                    "SELECT holder FROM tokens WHERE world = ? AND hash = ? AND revoked_at IS NULL"
                ),
                (world, token_hash),
            )
            row = cursor.fetchone()
            return str(row[0]) if row else None

        return self._run(work)

    def tokens(self, world: str) -> list[TokenInfo]:
        def work(cursor: Cursor) -> list[TokenInfo]:
            cursor.execute(
                self._sql(
                    f"SELECT {TOKEN_ID}, holder, label, issued_at, revoked_at FROM tokens"
                    " WHERE world = ? ORDER BY issued_at, hash"
                ),
                (world,),
            )
            return [
                TokenInfo(
                    str(row[0]),
                    str(row[1]),
                    str(row[2]),
                    str(row[3]),
                    None if row[4] is None else str(row[4]),
                )
                for row in cursor.fetchall()
            ]

        return self._run(work)

    def revoke_token(self, world: str, token_id: str, at: str) -> bool:
        def work(cursor: Cursor) -> bool:
            cursor.execute(
                self._sql(
                    f"UPDATE tokens SET revoked_at = ? WHERE world = ? AND {TOKEN_ID} = ?"
                    " AND revoked_at IS NULL"
                ),
                (at, world, token_id),
            )
            return bool(cursor.rowcount > 0)

        return self._run(work, write=True)

    def set_public(self, world: str, public: bool) -> None:
        self._set_flag(world, "public", public)

    def is_public(self, world: str) -> bool:
        return self._flag(world, "public")

    def set_archived(self, world: str, archived: bool) -> None:
        self._set_flag(world, "archived", archived)

    def is_archived(self, world: str) -> bool:
        return self._flag(world, "archived")

    def _set_flag(self, world: str, column: str, value: bool) -> None:
        self._run(
            lambda cursor: cursor.execute(
                self._sql(f"UPDATE worlds SET {column} = ? WHERE world = ?"), (int(value), world)
            ),
            write=True,
        )

    def _flag(self, world: str, column: str) -> bool:
        def work(cursor: Cursor) -> bool:
            cursor.execute(self._sql(f"SELECT {column} FROM worlds WHERE world = ?"), (world,))
            row = cursor.fetchone()
            return bool(row and row[0])

        return self._run(work)
