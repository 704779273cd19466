"""Reading a world: now, as of an instant (TIME-3), its log and its verdict, every record
checked in the chain as it is read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from hightable.audit import audit
from hightable.checked import (
    Progress,
    initial_from,
    read_checked,
    read_events,
    read_scattered,
)
from hightable.core import Accepted, Event, Refusal, Replayed, State, Verdict, evolve
from hightable.core.chain import Record
from hightable.core.ledger import advance_to, check_within
from hightable.service.held import HeldWorlds
from hightable.service.loading import Loader
from hightable.service.lookup import no_world
from hightable.store import EventStore
from hightable.timeline import Timeline, Timelines

T = TypeVar("T")


class History:
    def __init__(self, store: EventStore, held: HeldWorlds, loader: Loader, timelines: int) -> None:
        self.store, self.held, self.loader = store, held, loader
        # The worlds whose past is kept in memory (a `Timeline`) for views at an instant: a
        # long-lived server keeps some; a one-off command reads the store's snapshots instead.
        self.timelines = Timelines(store, timelines)

    def state(self, world: str) -> State | Refusal:
        """The world now: a copy, so that no later command changes it under its reader."""
        with self.held.using(world) as held:
            loaded = self.loader.load(world, held)
            return loaded if isinstance(loaded, Refusal) else loaded.state.fork()

    def reading(self, world: str, instant: str | None, read: Callable[[State], T]) -> T | Refusal:
        """What `read` takes from the world as of an instant (default: now). Now, it reads the
        held world under its lock, without a copy: it costs what it reads, so it must be short
        and must not keep what it reads beyond the call."""
        with self.held.using(world) as held:
            loaded = self.loader.load(world, held)
            if isinstance(loaded, Refusal):
                return loaded
            if instant is None or instant == loaded.state.clock:
                return read(loaded.state)
        state = self.state_at(world, instant)
        return state if isinstance(state, Refusal) else read(state)

    def state_at(self, world: str, instant: str | None = None) -> State | Refusal:
        """The world as of an instant (TIME-3): a checkpoint or snapshot before it and a short
        replay, then the deadlines that fell by then."""
        with self.held.using(world) as held:
            loaded = self.loader.load(world, held)
            if isinstance(loaded, Refusal):
                return loaded
            start, clock, head = loaded.state.start, loaded.state.clock, loaded.head.seq
        if instant is None or instant == clock:
            return self.state(world)
        refusal = check_within(start, clock, instant)
        if refusal:
            return refusal
        state = self.timelines.before(world, instant, head)
        if state is None:
            base = self.loader.from_snapshot(world, instant)
            state = base.state if base else None
        events = self.events_by(world, state.seq if state else 0, instant)
        if state is None:
            first = next(events)
            state = evolve(initial_from(first), first)
        return advance_to(state, events, instant)

    def events_by(self, world: str, after: int, instant: str) -> Iterator[Event]:
        """The events after a seq up to an instant, checked. The store finds them by the instant
        stored beside each event; the record after the last one found is read and checked too,
        so that an instant changed in the store cannot hide an event from a view of the past."""
        records = self.store.read(world, max(after - 1, 0), until_at=instant)
        for event in read_events(self._and_next(world, records, after), world, after, after > 0):
            if event.at > instant:
                return
            yield event

    def events_naming(self, world: str, names: Sequence[str]) -> list[Event]:
        """The events that name any of `names`, found by the store's index of mentions (not the
        whole log), each checked by its link to the record before it."""
        seqs = self.store.mentioning(world, names)
        records = self.store.read_seqs(world, sorted({*seqs, *(seq - 1 for seq in seqs)}))
        return read_scattered(world, {record.seq: record for record in records}, seqs)

    def _and_next(self, world: str, records: Iterable[Record], after: int) -> Iterator[Record]:
        last = after
        for record in records:
            last = record.seq
            yield record
        yield from self.store.read(world, last, until_seq=last + 1)

    def timeline(self, world: str, catch_up: bool = True) -> Timeline:
        """The world's timeline (kept, if this service keeps timelines), caught up with its log
        now unless told not to."""
        timeline = self.timelines.get(world)
        if catch_up:
            timeline.catch_up(self.store)
        return timeline

    def drop_snapshots(self, world: str) -> None:
        """Forget the world's stored snapshots: only a cache, so its views then replay the log."""
        self.store.drop_snapshots(world)

    def events_of(self, world: str, outcome: Accepted | Replayed) -> list[Event]:
        """The events an outcome stands for: its own, or, for a retry, those stored first."""
        if isinstance(outcome, Accepted):
            return outcome.events
        return list(
            self.log(world, outcome.first_seq - 1, outcome.last_seq - outcome.first_seq + 1)
        )

    def log(self, world: str, after: int = 0, limit: int | None = None) -> Iterator[Event]:
        """The stored events after a seq, each checked in the chain from the one before."""
        return (event for event, _ in self._checked(world, after, limit))

    def records(self, world: str, after: int = 0, limit: int | None = None) -> Iterator[Record]:
        """The stored records after a seq (a live feed's page), checked as `log` reads them."""
        return (record for _, record in self._checked(world, after, limit))

    def _checked(self, world: str, after: int, limit: int | None) -> Iterator[tuple[Event, Record]]:
        until = after + limit if limit is not None else None
        records = self.store.read(world, max(after - 1, 0), until_seq=until)
        return read_checked(records, world, after, anchored=after > 0)

    def verify(self, world: str, progress: Progress | None = None) -> Verdict | Refusal:
        """CHAIN-1, CHAIN-2 and INVARIANT-1 over the stored log and its snapshots: the first
        record whose bytes, order or consequences are wrong."""
        with self.store.reading(world):  # appends made meanwhile: whole, or not at all
            recorded = self.store.recorded_head(world)
            if recorded is None:
                return no_world(world)
            records, snapshots = self.store.read(world), self.store.snapshots(world)
            mentions = self.store.mentions(world)
            return audit(world, records, snapshots, recorded, progress, mentions)
