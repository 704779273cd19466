"""A store whose appends fail now and then, before the commit or after it, with exceptions of
any type: what a storm with `--faults` writes through, and what the write-path tests use."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from hightable.core.chain import Record
from hightable.errors import StoreError
from hightable.store import EventStore, Snapshot

FAULTS: list[Callable[[], BaseException]] = [
    lambda: ValueError("injected"),
    lambda: KeyError("injected"),
    lambda: RuntimeError("injected"),
    lambda: OSError("injected"),
    lambda: MemoryError(),
    lambda: OverflowError("injected"),
    lambda: UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
    lambda: StoreError("injected"),
    lambda: KeyboardInterrupt(),
]


class FaultyStore:
    """A store whose appends fail now and then, before the commit or after it."""

    def __init__(self, inner: EventStore, rng: random.Random, rate: float) -> None:
        self.inner, self.rng, self.rate = inner, rng, rate
        self.injected = 0
        self.raised: list[BaseException] = []  # what it raised, to tell it from a real failure

    def append(
        self, world: str, records: Sequence[Record], snapshot: Snapshot | None = None
    ) -> None:
        fault = self.maybe()
        if fault and self.rng.random() < 0.5:
            raise fault  # before: nothing stored
        self.inner.append(world, records, snapshot)
        if fault:
            raise fault  # after: stored, but the writer is told it failed

    def maybe(self) -> BaseException | None:
        """A fault to raise, now and then (at `rate`), of any type."""
        if self.rng.random() >= self.rate:
            return None
        self.injected += 1
        fault = self.rng.choice(FAULTS)()
        self.raised = [fault]
        return fault

    def caused(self, error: BaseException) -> bool:
        """Whether `error` is the last fault injected, or was raised because of it."""
        seen: BaseException | None = error
        while seen is not None:
            if any(seen is fault for fault in self.raised):
                return True
            seen = seen.__cause__ or seen.__context__
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
