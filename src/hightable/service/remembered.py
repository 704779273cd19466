"""Answers of the store kept for a short while: what the access checks of every request ask
(does the world exist, who holds this token, is the world public) changes seldom, and asking
the store each time cost each command two transactions of its own.

Each answer is kept for at most `access_cache_seconds` (limits.py), at most
`access_cache_entries` of them, the least recently used let go first. A change made through
this process (a token issued, a world made public or private) forgets the answers it touches at
once; one made by another process is seen within the TTL. A revocation must call `forget` so
that this process stops honouring the token at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from hightable.limits import access_cache_entries, access_cache_seconds

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Remembered(Generic[K, V]):
    """A bounded map of answers, each kept for `seconds`; only answers `keep` accepts."""

    def __init__(
        self,
        seconds: float = access_cache_seconds,
        entries: int = access_cache_entries,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds, self.entries, self.clock = seconds, entries, clock
        self._kept: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, ask: Callable[[], V], keep: Callable[[V], bool] = bool) -> V:
        """The answer kept for `key`, or `ask()`'s (kept if `keep` says so)."""
        now = self.clock()
        with self._lock:
            found = self._kept.get(key)
            if found is not None and found[0] > now:
                self._kept.move_to_end(key)
                return found[1]
        answer = ask()
        if keep(answer):
            with self._lock:
                self._kept[key] = (now + self.seconds, answer)
                self._kept.move_to_end(key)
                while len(self._kept) > self.entries:
                    self._kept.popitem(last=False)
        return answer

    def forget(self, match: Callable[[K], bool]) -> None:
        """Forget every answer whose key matches."""
        with self._lock:
            for key in [key for key in self._kept if match(key)]:
                del self._kept[key]
