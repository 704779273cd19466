"""`WorldService`: the one door of every shell (CLI, API, page, stories kept, bench) to the
worlds of a store. It composes the collaborators and adds nothing of its own:

- `Writer` (writing.py): create, execute, execute_batch: load, decide, group commit, retries;
- `History` (history.py): the world now or at an instant, its log, timelines, verify;
- `SnapshotPolicy` (policy.py): when a batch carries a snapshot and its seal;
- `Porting` (porting.py): fork, import, export;
- `Access` (access.py): tokens (issued, listed, revoked), public and archived worlds;
- lookups (lookup.py): "no such world / member" (ID-3), the same refusal at every door.

The store stays behind it: no shell reads or writes the store itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from hightable.checked import Progress
from hightable.core import Accepted, Event, Outcome, Refusal, Replayed, State, Verdict
from hightable.core.chain import Record
from hightable.core.view import known_events
from hightable.limits import snapshot_interval_events, worlds_held_max
from hightable.service.access import TABLE_HOLDER, Access
from hightable.service.held import HeldWorlds
from hightable.service.history import History
from hightable.service.loading import Loader
from hightable.service.lookup import member_refusal, no_world
from hightable.service.observer import Observer
from hightable.service.policy import SnapshotPolicy
from hightable.service.porting import Porting
from hightable.service.writing import Batch, Writer
from hightable.store import EventStore, WorldSummary
from hightable.store.base import Closeable, TokenInfo
from hightable.timeline import Timeline

if TYPE_CHECKING:  # the PostgreSQL driver is loaded only by a store that needs it
    from hightable.store.partitioning import Partitioned

T = TypeVar("T")


class WorldService:
    """The worlds of one store, as every shell sees them."""

    def __init__(
        self,
        store: EventStore,
        snapshot_every: int = snapshot_interval_events,
        timelines: int = 0,
        progress: Progress | None = None,
        worlds_max: int = worlds_held_max,
        observer: Observer | None = None,
    ) -> None:
        self.store = store  # for tests and tools that inject faults; shells use the methods
        self.held = HeldWorlds(worlds_max)
        self.loader = Loader(store, progress)
        self.policy = SnapshotPolicy(snapshot_every)
        self.writer = Writer(store, self.held, self.loader, self.policy, observer)
        self.history = History(store, self.held, self.loader, timelines)
        self.porting = Porting(store, self.writer, self.history)
        self.access = Access(store)

    # -- writing ------------------------------------------------------------------------------

    def create(self, world: str, start: object) -> Record | Refusal:
        return self.writer.create(world, start)

    def execute(self, world: str, raw: object, now: str | None = None) -> Outcome:
        """`now`: the door's clock, for a command without `at` (TIME-4)."""
        return self.writer.execute(world, raw, now)

    def execute_batch(
        self, world: str, raws: Iterable[object], atomic: bool = False, now: str | None = None
    ) -> Batch:
        return self.writer.execute_batch(world, raws, atomic, now)

    def execute_group(self, world: str, admit: Callable[[], list[object]]) -> list[Outcome]:
        """Commands sent on their own, committed together (the door's group commit): those
        `admit` gives under the world's write lock; each raw already carries the door's clock
        where it has no `at` (`defaulting_at`)."""
        return self.writer.execute_group(world, admit)

    def delete(self, world: str) -> bool:
        """Remove the world and all the store keeps of it, and forget what this process held;
        False if there was no such world."""
        # Under the world's write lock: a group whose tokens were read under it is appended
        # before the world goes, never into one made again under its id.
        with self.store.writing(world):
            deleted = self.store.delete_world(world)
        self.held.drop(world)
        self.history.timelines.drop(world)
        return deleted

    def held_count(self) -> tuple[int, int]:
        """How many worlds this process holds, and how many timelines it keeps."""
        return len(self.held), len(self.history.timelines)

    # -- reading ------------------------------------------------------------------------------

    def state(self, world: str) -> State | Refusal:
        return self.history.state(world)

    def state_at(self, world: str, instant: str | None = None) -> State | Refusal:
        return self.history.state_at(world, instant)

    def reading(self, world: str, instant: str | None, read: Callable[[State], T]) -> T | Refusal:
        return self.history.reading(world, instant, read)

    def events_naming(self, world: str, names: Sequence[str]) -> list[Event]:
        """The events that name any of `names` (a dossier's), by the store's index of mentions."""
        return self.history.events_naming(world, names)

    def timeline(self, world: str, catch_up: bool = True) -> Timeline:
        return self.history.timeline(world, catch_up)

    def events_of(self, world: str, outcome: Accepted | Replayed) -> list[Event]:
        return self.history.events_of(world, outcome)

    def events_known(self, world: str, state: State) -> list[Event]:
        """The events of the log up to the state's clock (what a dossier at that instant knows)."""
        return known_events(self.log(world), state)

    def log(self, world: str, after: int = 0, limit: int | None = None) -> Iterator[Event]:
        return self.history.log(world, after, limit)

    def seq_at(self, world: str, instant: str) -> int:
        """The seq of the last event at or before `instant` (0 if none): a search of the log by
        halves, its instants never going back (TIME-1)."""
        low, high = 0, self.head_seq(world) or 0
        while low < high:
            middle = (low + high + 1) // 2
            event = next(self.log(world, after=middle - 1, limit=1), None)
            if event is not None and event.at <= instant:
                low = middle
            else:
                high = middle - 1
        return low

    def records(self, world: str, after: int = 0, limit: int | None = None) -> Iterator[Record]:
        return self.history.records(world, after, limit)

    def verify(self, world: str, progress: Progress | None = None) -> Verdict | Refusal:
        return self.history.verify(world, progress)

    def drop_snapshots(self, world: str) -> None:
        self.history.drop_snapshots(world)

    # -- lookups (ID-3) -----------------------------------------------------------------------

    def world_refusal(self, world: str) -> Refusal | None:
        """ID-3 if the store holds no such world, else None."""
        return None if self.access.exists(world) else no_world(world)

    def member_refusal(self, world: str, member: str) -> Refusal | None:
        """ID-3 if there is no such world, or no such member in it now, else None."""
        return member_refusal(self.state(world), member)

    def head_seq(self, world: str) -> int | None:
        return self.access.head_seq(world)

    def watch_appends(self, appended: Callable[[str | None], None]) -> Closeable | None:
        """Have `appended(world)` called after every append to a world: at once for this
        process's commits, and for every process's where the store tells (PostgreSQL's
        LISTEN/NOTIFY: then a handle to close; None where readers must poll for the others').
        `appended(None)`: some appends may have gone untold, look again at every world."""
        self.writer.committed.append(appended)
        return self.store.listen(appended)

    # -- porting ------------------------------------------------------------------------------

    def fork(self, world: str, new: str, instant: str) -> Record | Refusal:
        return self.porting.fork(world, new, instant)

    def adopt(
        self, world: str, events: list[Event], progress: Progress | None = None
    ) -> Record | Refusal:
        return self.porting.adopt(world, events, progress)

    def import_lines(
        self, world: str | None, lines: Iterable[bytes], progress: Progress | None = None
    ) -> Record | Refusal:
        return self.porting.import_lines(world, lines, progress)

    def export(self, world: str) -> Iterator[bytes]:
        return self.porting.export(world)

    # -- access -------------------------------------------------------------------------------

    def worlds(self) -> list[WorldSummary]:
        return self.access.worlds()

    def public_worlds(self) -> list[WorldSummary]:
        return self.access.public_worlds()

    def issue_token(self, world: str, holder: str = TABLE_HOLDER, label: str = "") -> str:
        return self.access.issue_token(world, holder, label)

    def tokens(self, world: str) -> list[TokenInfo]:
        return self.access.tokens(world)

    def revoke_token(self, world: str, token_id: str) -> bool:
        return self.access.revoke(world, token_id)

    def set_archived(self, world: str, archived: bool) -> None:
        self.access.set_archived(world, archived)

    def is_archived(self, world: str) -> bool:
        return self.access.is_archived(world)

    def store_problem(self) -> str | None:
        """Why the store cannot serve now, or None (for a readiness probe)."""
        return self.store.problem()

    def token_holder(self, world: str, token: str) -> str | None:
        return self.access.holder(world, token)

    def set_public(self, world: str, public: bool) -> None:
        self.access.set_public(world, public)

    def is_public(self, world: str) -> bool:
        return self.access.is_public(world)

    # -- the store itself ---------------------------------------------------------------------

    def store_name(self) -> str:
        """The store's URL, without passwords."""
        from hightable.store.base import safe_url

        return safe_url(self.store.url)

    def partition_events(self, partitions: int) -> list[Partitioned]:
        """Hash-partition a PostgreSQL store's events by world (docs/scaling.md)."""
        from hightable.store.partitioning import partition_events

        return partition_events(self.store, partitions)
