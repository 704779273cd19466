"""Stored logs rebuilt and verified: each record checked in the chain as it is applied."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import msgspec
from msgspec import structs

from hightable.core import Event, State, Verdict, decode_event, evolve
from hightable.core.chain import GENESIS, Record, link
from hightable.core.engine import CorruptLog
from hightable.core.state import initial_state
from hightable.core.world import WorldCreated
from hightable.errors import Corrupt

Progress = Callable[[int], None]


def apply_checked(world: str, state: State | None, record: Record, prev: bytes) -> State:
    """Apply one stored record, checking its place in the chain as it is read (CHAIN-1)."""
    if link(prev, record.body).hex() != record.hash:
        raise Corrupt(f"world {world}: seq {record.seq} does not match its hash; run verify")
    try:
        event = decode_event(record.body)
        if state is None:
            if not isinstance(event, WorldCreated):
                raise CorruptLog("a world's log begins with world_created")
            state = initial_state(event.world, event.start)
        return evolve(state, event)
    except (CorruptLog, msgspec.DecodeError, msgspec.ValidationError) as error:
        raise Corrupt(f"world {world}: seq {record.seq}: {error}") from error


def counted(records: Iterable[Record], progress: Progress | None) -> Iterator[Record]:
    for count, record in enumerate(records, start=1):
        if progress and count % 1_000 == 0:
            progress(count)
        yield record


def replay_counted(events: list[Event], progress: Progress | None) -> State:
    first = events[0]
    if not isinstance(first, WorldCreated):
        raise CorruptLog("a world's log begins with world_created")
    state = initial_state(first.world, first.start)
    for count, event in enumerate(events, start=1):
        evolve(state, event)
        if progress and count % 1_000 == 0:
            progress(count)
    return state


def replay_checked(world: str, records: Iterable[Record]) -> State:
    """A world rebuilt from its stored records, each checked in the chain as it is applied."""
    state: State | None = None
    prev = GENESIS
    for record in records:
        state = apply_checked(world, state, record, prev)
        prev = bytes.fromhex(record.hash)
    if state is None:
        raise Corrupt(f"world {world}: no event to replay")
    return state


def against_recorded_head(verdict: Verdict, seq: int, digest: str) -> Verdict:
    """A sound chain must also end where the store recorded its head (a cut tail does not)."""
    if (verdict.events, verdict.head) == (seq, digest):
        return verdict
    if verdict.events < seq:
        bad, problem = verdict.events + 1, f"the log ends at seq {verdict.events}: missing"
    elif verdict.events > seq:
        bad, problem = seq + 1, f"the recorded head is seq {seq}: not appended by hightable"
    else:
        bad, problem = seq, "the chain ends in another hash than the recorded head"
    return structs.replace(verdict, ok=False, bad_seq=bad, problem=f"seq {bad}: {problem}")
