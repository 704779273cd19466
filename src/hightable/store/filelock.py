"""Locks between the threads and processes that share one SQLite file, kept in a file beside
it: the kernel queues the waiters and wakes the next at once, where SQLite's own busy handler
would have them sleep and poll.

Each thread opens the lock file once; an open-file-description lock (Linux) belongs to that
opening, so threads exclude each other as processes do, and a lock dies with its process.
Elsewhere, or where the file cannot be made, the locks are the process's alone (a thread lock).
"""

from __future__ import annotations

import fcntl
import os
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

_OFD_SETLKW = getattr(fcntl, "F_OFD_SETLKW", None)
WHOLE_STORE = 0  # the byte whose lock is the store's write lock; a world's byte is above it


class FileLocks:
    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._fallback: dict[int, threading.Lock] = {}
        self._fallback_guard = threading.Lock()
        self._opened: list[int] = []

    def _fd(self) -> int | None:
        fd: int | None = getattr(self._local, "fd", None)
        if fd is None and _OFD_SETLKW is not None:
            try:
                fd = self._local.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                return None
            with self._fallback_guard:
                self._opened.append(fd)
        return fd

    @contextmanager
    def held(self, byte: int) -> Iterator[None]:
        """The lock on one byte of the file, exclusive, waited for."""
        fd = self._fd()
        if fd is None or _OFD_SETLKW is None:
            with self._fallback_guard:
                lock = self._fallback.setdefault(byte, threading.Lock())
            with lock:
                yield
            return
        fcntl.fcntl(fd, _OFD_SETLKW, _flock(fcntl.F_WRLCK, byte))
        try:
            yield
        finally:
            fcntl.fcntl(fd, _OFD_SETLKW, _flock(fcntl.F_UNLCK, byte))

    def close(self) -> None:
        with self._fallback_guard:
            for fd in self._opened:
                os.close(fd)
            self._opened.clear()
        self._local = threading.local()


def world_byte(world: str) -> int:
    """A world's byte in the lock file (two worlds may share one: they then only queue)."""
    return 1 + zlib.crc32(world.encode())


def _flock(kind: int, byte: int) -> bytes:
    # struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for an open-file-description lock)
    return struct.pack("hhqqi", kind, os.SEEK_SET, byte, 1, 0)
