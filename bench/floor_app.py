"""The floor of a served command: a bare FastAPI app that stores one row per request, durably
(SQLite in WAL mode with `synchronous=FULL`, or PostgreSQL committing each row), served by the
same uvicorn settings as `hightable serve`. `python -m bench.floor_app URL PORT WORKERS`."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from typing import Any

import psycopg
import uvicorn
from fastapi import FastAPI, Request

TABLE = "CREATE TABLE IF NOT EXISTS floor (id {key}, body {blob} NOT NULL)"


class Rows:
    """Each insert is one committed transaction. PostgreSQL: a connection per thread. SQLite:
    one connection per process behind a lock, so that the threads of a process queue for the
    write lock in order instead of polling for it in SQLite's busy handler."""

    def __init__(self, url: str) -> None:
        self.url, self._local, self._lock = url, threading.local(), threading.Lock()
        self._shared: Any = None
        sqlite = url.startswith("sqlite:///")
        key = "INTEGER PRIMARY KEY" if sqlite else "BIGSERIAL PRIMARY KEY"
        connection = self._connection()
        connection.execute(TABLE.format(key=key, blob="BLOB" if sqlite else "BYTEA"))
        connection.commit()

    def _connection(self) -> Any:
        if self.url.startswith("sqlite:///"):
            if self._shared is None:
                self._shared = sqlite3.connect(
                    self.url.removeprefix("sqlite:///"), timeout=60, check_same_thread=False
                )
                self._shared.execute("PRAGMA journal_mode=WAL")
                self._shared.execute("PRAGMA synchronous=FULL")
            return self._shared
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = psycopg.connect(self.url)
        return connection

    def insert(self, body: bytes) -> None:
        if self.url.startswith("sqlite:///"):
            with self._lock:
                connection = self._connection()
                connection.execute("INSERT INTO floor (body) VALUES (?)", (body,))
                connection.commit()
            return
        connection = self._connection()
        connection.execute("INSERT INTO floor (body) VALUES (%s)", (body,))
        connection.commit()


def app_from_env() -> FastAPI:
    app = FastAPI()
    rows = Rows(os.environ["FLOOR_STORE"])

    @app.get("/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/worlds/{world}/commands")
    def store_one(world: str, command: dict[str, Any], request: Request) -> dict[str, str]:
        rows.insert(repr(command).encode())
        return {"outcome": "accepted"}

    return app


if __name__ == "__main__":
    url, port, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.environ["FLOOR_STORE"] = url
    Rows(url)  # the table, once, before the workers start
    uvicorn.run(
        "bench.floor_app:app_from_env",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        http="hightable.api.nodelay:NoDelayProtocol",
        log_level="warning",
    )
