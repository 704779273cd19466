"""A table that reads through to another and keeps its own changes: the working copy of one
command, so that a later consequence is judged on the state the earlier ones left.

Copying a world's tables for that would cost as much as the world is large; an overlay costs as
much as the command changes.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from enum import Enum
from typing import Final, TypeVar

V = TypeVar("V")


class _Gone(Enum):
    GONE = "gone"


_GONE: Final = _Gone.GONE  # marks a key deleted here but still in the base


class Overlay(MutableMapping[str, V]):
    """A mapping over a base dict that it never changes: writes and deletions stay here.

    Iteration follows the base's order, then the keys added here.
    """

    __slots__ = ("base", "changes", "size")

    def __init__(self, base: dict[str, V]):
        self.base = base
        self.changes: dict[str, V | _Gone] = {}
        self.size = len(base)

    def __getitem__(self, key: str) -> V:
        changes = self.changes
        if key in changes:
            value = changes[key]
            if value is _GONE:
                raise KeyError(key)
            return value
        return self.base[key]

    def __contains__(self, key: object) -> bool:
        changes = self.changes
        if key in changes:
            return changes[key] is not _GONE
        return key in self.base

    def __setitem__(self, key: str, value: V) -> None:
        if key not in self:
            self.size += 1
        self.changes[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self.changes[key] = _GONE
        self.size -= 1

    def __iter__(self) -> Iterator[str]:
        changes = self.changes
        for key in self.base:
            if changes.get(key) is not _GONE:
                yield key
        for key, value in changes.items():
            if value is not _GONE and key not in self.base:
                yield key

    def __len__(self) -> int:
        return self.size
