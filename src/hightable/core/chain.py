"""CHAIN-1: the hash chain of a world's log, and `verify`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import msgspec

from hightable.core.events import Event, canonical_json

GENESIS = bytes(32)  # the first event's prev_hash: 32 zero bytes


class Record(msgspec.Struct, frozen=True, gc=False):
    """An event as stored: its canonical JSON and the hash that seals it (hex).

    `at` and `type` repeat what the body says, so that a store can find events by instant.
    """

    seq: int
    at: str
    type: str
    body: bytes
    hash: str


class Verdict(msgspec.Struct, frozen=True):
    """What `verify` found: every event sound, or the first one that is not and why."""

    ok: bool
    events: int
    head: str  # the last sound hash
    bad_seq: int | None = None
    problem: str | None = None


def link(prev_hash: bytes, body: bytes) -> bytes:
    return hashlib.sha256(prev_hash + body).digest()


def seal(events: Iterable[Event], prev_hash: bytes) -> list[Record]:
    """Chain events after `prev_hash`; the caller keeps the last record's hash as the new head."""
    return list(sealing(events, prev_hash))


def sealing(events: Iterable[Event], prev_hash: bytes) -> Iterator[Record]:
    """`seal`, one record at a time (a log longer than memory should hold)."""
    sha256 = hashlib.sha256
    for event in events:
        body = canonical_json(event)
        prev_hash = sha256(prev_hash + body).digest()  # link(), inline on the hot path
        yield Record(event.seq, event.at, event.type, body, prev_hash.hex())


def verify(records: Iterable[Record]) -> Verdict:
    """Recompute the chain and name the first event whose bytes or order changed."""
    prev, count = GENESIS, 0
    for expected_seq, record in enumerate(records, start=1):
        problem = chain_problem(record, expected_seq, prev)
        if problem:
            return Verdict(False, count, prev.hex(), problem[0], problem[1])
        prev, count = bytes.fromhex(record.hash), count + 1
    return Verdict(True, count, prev.hex())


def seq_problem(record: Record, expected_seq: int) -> tuple[int, str] | None:
    """Why a record is not the one expected at `expected_seq` (a gap, a repeat), if it is not."""
    if record.seq == expected_seq:
        return None
    kind = "a gap" if record.seq > expected_seq else "out of order"
    return expected_seq, f"expected seq {expected_seq}, found seq {record.seq}: {kind}"


def chain_problem(record: Record, expected_seq: int, prev: bytes) -> tuple[int, str] | None:
    """Why a record does not continue the chain after `prev` at `expected_seq`, if it does not."""
    out_of_place = seq_problem(record, expected_seq)
    if out_of_place:
        return out_of_place
    try:
        inside = msgspec.json.decode(record.body)
        body_seq = inside.get("seq")
    except (msgspec.DecodeError, AttributeError):
        return record.seq, f"seq {record.seq}: the stored event is not a JSON object"
    if body_seq != record.seq:
        return record.seq, f"seq {record.seq}: the event inside says seq {body_seq}"
    # `at` and `type` are stored beside the body for queries: they must say what it says.
    if (inside.get("at"), inside.get("type")) != (record.at, record.type):
        return record.seq, f"seq {record.seq}: its stored instant or type differs from the event"
    if link(prev, record.body).hex() != record.hash:
        return record.seq, f"seq {record.seq}: its bytes do not match its hash"
    return None


def head_problem(last_seq: int, last_hash: str, seq: int, digest: str) -> tuple[int, str] | None:
    """Where a log's last record and its recorded head part, if they do."""
    if (last_seq, last_hash) == (seq, digest):
        return None
    if last_seq < seq:
        return last_seq + 1, f"the log ends at seq {last_seq}: missing"
    if last_seq > seq:
        return seq + 1, f"the recorded head is seq {seq}: not appended by hightable"
    return seq, "the chain ends in another hash than the recorded head"
