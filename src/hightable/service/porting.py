"""New worlds from old logs, and logs out of worlds: fork, import (adopt), export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from msgspec import structs

from hightable.checked import DECODING_ERRORS, Progress, read_checked, replay_counted
from hightable.core import Event, Refusal, create_world, decode_event
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
        """A what-if branch: a new world holding the log of `world` up to `instant`."""
        current = self.history.state(world)
        if isinstance(current, Refusal):
            return current
        refusal = check_within(current.start, current.clock, instant)
        if refusal:
            return refusal
        return self.adopt(new, list(self.history.events_by(world, 0, instant)))

    def adopt(
        self, world: str, events: list[Event], progress: Progress | None = None
    ) -> Record | Refusal:
        """Store a log under a world id (an import, a fork, a kept story), after replaying it."""
        created = create_world(world, events[0].at if events else None)
        if isinstance(created, Refusal):
            return created
        renamed = [structs.replace(event, world=world) for event in events]
        try:
            state = replay_counted(renamed, progress)
        except Corrupt as error:
            return refuse("CHAIN-1", f"the log cannot be replayed: {error}")
        return self.writer.create_from(world, state.start, renamed)

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
