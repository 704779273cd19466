"""Stored logs rebuilt and verified: each record checked in the chain as it is applied."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import msgspec
from msgspec import structs

from hightable.core import Event, State, Verdict, evolve
from hightable.core.chain import GENESIS, Record
from hightable.core.engine import CorruptLog
from hightable.core.events import event_decoder
from hightable.core.state import initial_state
from hightable.core.world import WorldCreated
from hightable.errors import Corrupt

Progress = Callable[[int], None]
T = TypeVar("T")


def replay_checked(world: str, records: Iterable[Record]) -> State:
    """A world rebuilt from its stored records, each checked in the chain as it is applied."""
    state, _ = apply_checked(world, records)
    if state is None:
        raise Corrupt(f"world {world}: no event to replay")
    return state


def apply_checked(
    world: str,
    records: Iterable[Record],
    state: State | None = None,
    prev: bytes = GENESIS,
    progress: Progress | None = None,
) -> tuple[State | None, bytes]:
    """Apply stored records in order (to `state`, or from the first event), checking each one's
    place in the chain as it is read (CHAIN-1); the state and the last hash. One tight loop
    serves a server's load and a full replay alike."""
    decode, sha256 = event_decoder().decode, hashlib.sha256
    seq = 0
    try:
        for count, record in enumerate(records, start=1):
            seq = record.seq
            digest = sha256(prev + record.body).digest()
            if digest.hex() != record.hash:
                raise Corrupt(f"world {world}: seq {seq} does not match its hash; run verify")
            event = decode(record.body)
            if state is None:
                state = _first(event)
            evolve(state, event)
            prev = digest
            if progress and count % 1_000 == 0:
                progress(count)
    except (CorruptLog, msgspec.DecodeError, msgspec.ValidationError) as error:
        raise Corrupt(f"world {world}: seq {seq}: {error}") from error
    return state, prev


def _first(event: Event) -> State:
    if not isinstance(event, WorldCreated):
        raise CorruptLog("a world's log begins with world_created")
    return initial_state(event.world, event.start)


def counted(items: Iterable[T], progress: Progress | None) -> Iterator[T]:
    """The items, telling `progress` the count every thousand."""
    for count, item in enumerate(items, start=1):
        if progress and count % 1_000 == 0:
            progress(count)
        yield item


def replay_counted(events: list[Event], progress: Progress | None) -> State:
    state = _first(events[0])
    for event in counted(events, progress):
        evolve(state, event)
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
