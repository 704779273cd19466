"""PostgreSQL's LISTEN/NOTIFY: every append notifies, in its transaction (so at its commit, and
only if it commits), on one channel with the world as payload; each process keeps one
connection listening, whatever the number of worlds and readers, and tells the feeds."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import psycopg

CHANNEL = "hightable_appended"
RECONNECT_SECONDS = 1.0

log = logging.getLogger("hightable")


class Listener:
    """A thread on its own connection, calling `appended(world)` for each notification, and
    `appended(None)` after (re)connecting, since notifications sent meanwhile are lost."""

    def __init__(self, url: str, appended: Callable[[str | None], None]) -> None:
        self.url, self.appended = url, appended
        self._closed = threading.Event()
        self._connection: psycopg.Connection[object] | None = None
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hightable-listen", daemon=True)
        self._thread.start()
        self._listening.wait(10)

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as connection:
                    self._connection = connection
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    self.appended(None)
                    while not self._closed.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            self.appended(notice.payload)
            except psycopg.Error as error:
                if self._closed.is_set():
                    return
                log.warning("listening for appends: %s; again in %.0f s", error, RECONNECT_SECONDS)
                time.sleep(RECONNECT_SECONDS)

    def close(self) -> None:
        self._closed.set()
        self._thread.join(5)
