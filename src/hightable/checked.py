"""The one reader of stored logs: every record becomes an event here, its hash checked.

Nothing else decodes a stored record. Each record must link to the one before it (CHAIN-1), say
inside what the store says beside it (seq, instant, type, world), and decode to a known event;
a replay must keep the ledger's invariants (INVARIANT-1). Any failure, whatever the decoder or
the driver raised, is `Corrupt`, naming the seq.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import msgspec
from msgspec import structs

from hightable.core import Event, State, Verdict, evolve
from hightable.core.chain import GENESIS, Record, head_problem
from hightable.core.events import event_decoder
from hightable.core.invariants import ledger_problem
from hightable.core.seals import STATE_FORMAT, StateSealed, state_digest
from hightable.core.state import initial_state
from hightable.core.world import WorldCreated
from hightable.errors import Corrupt

Progress = Callable[[int], None]
T = TypeVar("T")
# What a stored record's bytes can make a decoder raise: all of it means a corrupt record.
DECODING_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, ValueError, TypeError)


def check_record(world: str, record: Record, prev: bytes, decode: Any) -> tuple[Event, bytes]:
    """CHAIN-1 for one record: the event it holds, and its hash (the next record's prev)."""
    seq = record.seq
    try:
        digest = hashlib.sha256(prev + record.body).digest()
        if digest.hex() != record.hash:
            raise Corrupt(f"world {world}: seq {seq}: its bytes do not match its hash", seq)
        event: Event = decode(record.body)
    except DECODING_ERRORS as error:
        message = f"world {world}: seq {seq}: the stored event cannot be read ({error})"
        raise Corrupt(message, seq) from error
    if (event.seq, event.at, event.type, event.world) != (seq, record.at, record.type, world):
        raise Corrupt(f"world {world}: seq {seq}: the event inside differs from its record", seq)
    return event, digest


def read_events(
    records: Iterable[Record], world: str, after: int = 0, anchored: bool = False
) -> Iterator[Event]:
    """The events of records with seq > `after`, in order, each checked in the chain.

    With `anchored`, the first record is the one at seq `after`: only its hash is used, as the
    place where the chain resumes (a page of the log read from the middle).
    """
    return (event for event, _ in read_checked(records, world, after, anchored))


def read_checked(
    records: Iterable[Record], world: str, after: int = 0, anchored: bool = False
) -> Iterator[tuple[Event, Record]]:
    """Each record with seq > `after` beside the event it holds, checked as `read_events` says."""
    decode = event_decoder().decode
    expected, prev = after + (0 if anchored else 1), GENESIS
    for record in records:
        if record.seq != expected:
            raise Corrupt(f"world {world}: expected seq {expected}, found {record.seq}", expected)
        expected += 1
        if anchored and record.seq == after:
            prev = _hash_of(world, record)
            continue
        event, prev = check_record(world, record, prev, decode)
        yield event, record


def read_scattered(world: str, records: Mapping[int, Record], wanted: Iterable[int]) -> list[Event]:
    """The events at the `wanted` seqs, out of the middle of the log (found by an index): each
    record's body checked against its hash, chained from the stored hash of the record before
    it, and the event inside against its record's columns. One link per event: a body rewritten
    together with its hash and every hash after it is found by `verify`, which reads the chain
    whole; a seq the index names that the log does not hold is `Corrupt`."""
    decode = event_decoder().decode
    events = []
    for seq in wanted:
        record, before = records.get(seq), records.get(seq - 1)
        if record is None or (seq > 1 and before is None):
            missing = seq if record is None else seq - 1
            raise Corrupt(f"world {world}: seq {missing}: an indexed event is not in the log", seq)
        prev = _hash_of(world, before) if before is not None else GENESIS
        events.append(check_record(world, record, prev, decode)[0])
    return events


def _hash_of(world: str, record: Record) -> bytes:
    try:
        return bytes.fromhex(record.hash)
    except (ValueError, TypeError):
        raise Corrupt(f"world {world}: seq {record.seq}: its hash is no hash", record.seq) from None


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
    """Apply stored records in order (to `state`, or from the first event), each checked in the
    chain as it is read and the ledger's invariants after it; the state and the last hash. One
    tight loop serves a server's load and a full replay alike."""
    decode = event_decoder().decode
    for record in records:
        event, prev = check_record(world, record, prev, decode)
        state = evolve_checked(world, initial_from(event) if state is None else state, event)
        if progress and event.seq % 1_000 == 0:
            progress(event.seq)  # how far in the log, a snapshot's seq and on
    if progress and state is not None:
        progress(state.seq)
    return state, prev


def evolve_checked(world: str, state: State, event: Event) -> State:
    """Apply one stored event; a log that breaks the books is no world's log (INVARIANT-1)."""
    evolve(state, event)  # a gap, a repeat or an unknown event is ReplayFailed, a Corrupt
    problem = ledger_problem(state)
    if problem:
        raise Corrupt(f"world {world}: seq {event.seq}: INVARIANT-1: {problem}", event.seq)
    return state


def initial_from(event: Event) -> State:
    """The empty world a log's first event, `world_created`, begins."""
    if not isinstance(event, WorldCreated):
        raise Corrupt(f"seq {event.seq}: a world's log begins with world_created", event.seq)
    return initial_state(event.world, event.start)


def check_seal(world: str, state: State, event: Event) -> None:
    """CHAIN-2: a `state_sealed` event must hold the digest of the state before it."""
    if not isinstance(event, StateSealed) or event.format != STATE_FORMAT:
        return  # a seal of another shape vouches for no snapshot in use
    if event.digest != state_digest(state):
        raise Corrupt(
            f"world {world}: seq {event.seq}: CHAIN-2: the sealed digest is not the state's",
            event.seq,
        )


def counted(items: Iterable[T], progress: Progress | None) -> Iterator[T]:
    """The items, telling `progress` the count every thousand."""
    for count, item in enumerate(items, start=1):
        if progress and count % 1_000 == 0:
            progress(count)
        yield item


def against_recorded_head(verdict: Verdict, seq: int, digest: str) -> Verdict:
    """A sound chain must also end where the store recorded its head (a cut tail does not)."""
    problem = head_problem(verdict.events, verdict.head, seq, digest)
    if problem is None:
        return verdict
    bad, text = problem
    return structs.replace(verdict, ok=False, bad_seq=bad, problem=f"seq {bad}: {text}")
