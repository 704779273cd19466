"""A stored log rebuilt record by record, each checked in the chain: the same world as its events
replayed, and a bad record named by its seq, after the sound records before it."""

from __future__ import annotations

import msgspec
import pytest

from helpers import Play
from hightable.checked import apply_checked, replay_checked
from hightable.core import replay
from hightable.core.chain import GENESIS, Record, link, seal
from hightable.core.events import decode_event
from hightable.errors import Corrupt

EVENTS = 2_500
EVERY = 1_000  # progress is told every so many records


@pytest.fixture(scope="module")
def records() -> list[Record]:
    play = Play("long").register("john", "winston")
    play.ok("table", "mint", to="john", amount=1_000_000)
    while len(play.ledger.events) < EVENTS:
        play.ok("john", "transfer", to="winston", amount=1)
    return seal(play.ledger.events[:EVENTS], GENESIS)


def resealed(records: list[Record], seq: int, body: bytes) -> list[Record]:
    """The log with one event's body replaced and the chain recomputed from it on: sound hashes
    around a body that is not a lawful event."""
    kept = records[: seq - 1]
    prev = bytes.fromhex(kept[-1].hash)
    for record in records[seq - 1 :]:
        new_body = body if record.seq == seq else record.body
        prev = link(prev, new_body)
        kept.append(msgspec.structs.replace(record, body=new_body, hash=prev.hex()))
    return kept


def test_a_checked_replay_is_the_world_replayed_event_by_event(records: list[Record]) -> None:
    state = replay_checked("long", records)
    assert state.seq == EVENTS
    by_event = replay([decode_event(record.body) for record in records])
    assert msgspec.json.encode(state) == msgspec.json.encode(by_event)


def test_a_changed_body_is_named_by_its_seq(records: list[Record]) -> None:
    seq = 1_321
    tampered = list(records)
    tampered[seq - 1] = msgspec.structs.replace(tampered[seq - 1], body=b'{"seq":1}')
    with pytest.raises(Corrupt, match=f"seq {seq}: its bytes do not match its hash"):
        replay_checked("long", tampered)


def test_records_before_a_broken_hash_are_applied_before_it_is_named(
    records: list[Record],
) -> None:
    seq = 1_010
    tampered = list(records)
    tampered[seq - 1] = msgspec.structs.replace(tampered[seq - 1], hash="00" * 32)
    state, prev = apply_checked("long", records[:1_000])
    assert state is not None
    with pytest.raises(Corrupt, match=f"seq {seq}:"):
        apply_checked("long", tampered[1_000:], state, prev)
    assert state.seq == seq - 1  # the sound records before it were applied, in order


def test_a_sealed_body_that_is_no_event_is_named_by_its_seq(records: list[Record]) -> None:
    seq = 2_007
    body = records[seq - 1].body.replace(b'"coins_transferred"', b'"coins_conjured"')
    with pytest.raises(Corrupt, match=f"seq {seq}: .*coins_conjured"):
        replay_checked("long", resealed(records, seq, body))


def test_progress_is_told_the_seq_every_thousand_records_and_at_the_end(
    records: list[Record],
) -> None:
    """How far in the log, so that a bar's total is the head's seq, from a snapshot on too."""
    told: list[int] = []
    apply_checked("long", records, progress=told.append)
    assert told == [EVERY, EVERY * 2, len(records)]
    state, prev = apply_checked("long", records[:EVERY])
    told.clear()
    apply_checked("long", records[EVERY:], state, prev, progress=told.append)
    assert told == [EVERY * 2, len(records)]
