"""What this process holds of each world: its lock, its queue of commands, its loaded state.

At most `worlds_max` worlds are held; the least recently used is let go first. A world is let
go only while no thread uses it (none holds or waits for its lock, none has a command queued),
so that two threads never hold two locks of one world: a world let go is loaded again from the
store when next used, as after any failure.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from hightable.core import Outcome, State
from hightable.core.chain import Record
from hightable.errors import HightableError
from hightable.limits import worlds_held_max


@dataclass
class Loaded:
    """A world as this process last saw it: its state after `head`, the last record."""

    state: State
    head: Record


@dataclass
class Pending:
    """A command waiting for a group commit, and what became of it."""

    raw: object
    done: bool = False
    outcome: Outcome | HightableError | None = None


@dataclass
class Held:
    """One world as held here; `loaded` is None until loaded (and after any failure)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    queue: list[Pending] = field(default_factory=list)
    loaded: Loaded | None = None
    users: int = 0  # threads that were handed this world and have not given it back
    snapshot_bytes: int = 0  # the size of the world's last snapshot
    logged_since: int = 0  # the bytes logged since it


class HeldWorlds:
    """The worlds held by this process, a bounded LRU."""

    def __init__(self, worlds_max: int = worlds_held_max) -> None:
        self.worlds_max = worlds_max
        self._held: OrderedDict[str, Held] = OrderedDict()
        self._guard = threading.Lock()  # guards `_held`, each `users` and each `queue`

    def __len__(self) -> int:
        return len(self._held)

    @contextmanager
    def using(self, world: str, pending: Pending | None = None) -> Iterator[Held]:
        """The world, locked for the caller (its command queued first, when given)."""
        with self._guard:
            held = self._held.get(world)
            if held is None:
                held = self._held[world] = Held()
            self._held.move_to_end(world)
            held.users += 1
            if pending is not None:
                held.queue.append(pending)
            self._let_go()
        try:
            with held.lock:
                yield held
        finally:
            with self._guard:
                held.users -= 1

    def drop(self, world: str) -> None:
        """Forget the world (it was deleted): a thread still using it finishes with its copy."""
        with self._guard:
            self._held.pop(world, None)

    def take_queue(self, held: Held) -> list[Pending]:
        """The commands queued for a world, for one group commit."""
        with self._guard:
            group, held.queue = held.queue, []
        return group

    def _let_go(self) -> None:
        """Drop the least recently used worlds that no thread uses, down to the bound."""
        excess = len(self._held) - self.worlds_max
        for world in list(self._held):
            if excess <= 0:
                return
            held = self._held[world]
            if held.users == 0 and not held.queue:
                del self._held[world]
                excess -= 1
