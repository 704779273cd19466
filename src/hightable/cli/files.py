"""Files the command line reads: each read up to a limit and refused past it, never read whole
first (a `--file /dev/zero` would otherwise read until the machine stops it)."""

from __future__ import annotations

from pathlib import Path

from hightable.cli.app import fail

CHUNK_BYTES = 1024 * 1024


def read_bounded(path: Path, limit: int, name: str) -> bytes:
    """The bytes of a file (or a device, a pipe) up to `limit`; past it, a usage error naming it."""
    chunks: list[bytes] = []
    size = 0
    try:
        with path.open("rb") as file:
            while chunk := file.read(min(CHUNK_BYTES, limit + 1 - size)):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    fail(f"{name}: {path} is larger than {limit:,} bytes")
    except OSError as error:
        fail(f"{name}: {path}: {error.strerror or error}")
    return b"".join(chunks)
