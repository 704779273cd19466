"""New worlds from old logs, and logs out of worlds: fork, import (adopt), export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain

from msgspec import structs

from hightable.checked import (
    DECODING_ERRORS,
    Progress,
    check_seal,
    counted,
    evolve_checked,
    initial_from,
    read_checked,
)
from hightable.core import Event, Refusal, State, create_world, decode_event
from hightable.core.chain import Record
from hightable.core.ledger import check_within
from hightable.core.rules import refuse
from hightable.errors import Corrupt
from hightable.service.history import History
from hightable.service.writing import Writer
from hightable.store import EventStore


class Porting:
    def __init__(self, store: EventStore, writer: Writer, history: History) -> None:
        self.store, self.writer, self.history = store, writer, history

    def fork(self, world: str, new: str, instant: str) -> Record | Refusal:
        """A what-if branch: a new world holding the log of `world` up to `instant`, read,
        replayed and written one event at a time (its memory does not grow with the log)."""
        refusal = self.history.reading(
            world, None, lambda state: check_within(state.start, state.clock, instant)
        )
        if refusal:
            return refusal
        return self.adopt(new, self.history.events_by(world, 0, instant))

    def adopt(
        self, world: str, events: Iterable[Event], progress: Progress | None = None
    ) -> Record | Refusal:
        """Store a log under a world id (an import, a fork, a kept story), replaying it as it is
        written, in one transaction: a log that cannot be replayed leaves no world behind."""
        rest = iter(events)
        first = next(rest, None)
        created = create_world(world, first.at if first else None)
        if isinstance(created, Refusal):
            return created
        assert first is not None  # a world without a start is refused above
        try:
            state = initial_from(structs.replace(first, world=world))
        except Corrupt as error:
            return refuse("CHAIN-1", f"the log cannot be replayed: {error}")
        renamed = (structs.replace(event, world=world) for event in chain([first], rest))
        try:
            return self.writer.create_from(world, state.start, replayed(state, renamed, progress))
        except NotReplayable as error:
            return refuse("CHAIN-1", f"the log cannot be replayed: {error.__cause__}")

    def import_lines(
        self, world: str | None, lines: Iterable[bytes], progress: Progress | None = None
    ) -> Record | Refusal:
        """Import a world from JSON lines (as `export` writes them)."""
        events = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                events.append(decode_event(line))
            except DECODING_ERRORS as error:
                return refuse("CMD-1", f"line {number}: not an event ({error})")
        if not events:
            return refuse("CMD-1", "no event to import")
        return self.adopt(world or events[0].world, events, progress)

    def export(self, world: str) -> Iterator[bytes]:
        """The log as JSON lines: each event's canonical JSON, the bytes its hash seals, each
        checked in the chain as it is read."""
        for _, record in read_checked(self.store.read(world), world):
            yield record.body


class NotReplayable(Exception):
    """An event of a log to store breaks the checks of a replay (its cause says how): told
    apart from a `Corrupt` of the log it is read from, which is no refusal but corruption."""


def replayed(state: State, events: Iterable[Event], progress: Progress | None) -> Iterator[Event]:
    """Each event as it is applied to `state` with the checks of a stored log (CHAIN-2,
    INVARIANT-1), before it is passed on to be stored."""
    for event in counted(events, progress):
        try:
            check_seal(state.world, state, event)
            evolve_checked(state.world, state, event)
        except Corrupt as error:
            raise NotReplayable() from error
        yield event
