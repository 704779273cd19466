"""CHAIN-1: events sealed by sha256(prev_hash || canonical JSON); verify names the first bad one."""

from __future__ import annotations

import hashlib
import json

from msgspec import structs

from helpers import Play
from hightable.core import canonical_json, verify


def sample() -> Play:
    play = Play().register("john", "winston", "santino")
    play.ok("table", "mint", to="john", amount=10)
    play.ok("john", "transfer", to="winston", amount=3)
    play.ok("john", "eliminate", target="santino")
    return play


def test_chain_1_hash_is_sha256_of_prev_and_canonical_json() -> None:
    """CHAIN-1: the first prev_hash is 32 zero bytes; canonical JSON has sorted keys, no spaces."""
    play = sample()
    prev = bytes(32)
    for event, record in zip(play.ledger.events, play.ledger.records, strict=True):
        body = canonical_json(event)
        as_dict = json.loads(body)
        assert json.dumps(as_dict, sort_keys=True, separators=(",", ":")).encode() == body
        assert hashlib.sha256(prev + body).hexdigest() == record.hash
        prev = bytes.fromhex(record.hash)


def test_chain_1_event_carries_world_seq_at_type_by() -> None:
    """§17: events are {world, seq, at, type, by, cid?, ...fields}."""
    event = json.loads(canonical_json(sample().ledger.events[-1]))
    assert {"world", "seq", "at", "type", "by", "target"} <= set(event)
    assert "member_eliminated" == event["type"]


def test_chain_1_verify_accepts_a_sound_log() -> None:
    """CHAIN-1: verify on an untouched log finds nothing."""
    verdict = sample().ledger.verify()
    assert verdict.ok and 7 == verdict.events and verdict.bad_seq is None


def test_chain_1_verify_names_a_flipped_byte() -> None:
    """CHAIN-1: changing one byte of event 5 (the mint: 10 coins become 19) is named as seq 5."""
    records = list(sample().ledger.records)
    body = bytearray(records[4].body)
    body[body.index(b'"amount":10') + 10] = ord("9")
    records[4] = structs.replace(records[4], body=bytes(body))
    verdict = verify(records)
    assert not verdict.ok and 5 == verdict.bad_seq
    assert "bytes do not match" in (verdict.problem or "")


def test_chain_1_verify_names_a_deleted_event() -> None:
    """CHAIN-1: deleting event 4 is a gap named at seq 4."""
    records = list(sample().ledger.records)
    del records[3]
    verdict = verify(records)
    assert 4 == verdict.bad_seq and "gap" in (verdict.problem or "")


def test_chain_1_verify_names_reordered_events() -> None:
    """CHAIN-1: swapping events 3 and 4 is named at seq 3."""
    records = list(sample().ledger.records)
    records[2], records[3] = records[3], records[2]
    assert 3 == verify(records).bad_seq


def test_chain_1_verify_names_an_event_rewritten_with_its_own_seq() -> None:
    """CHAIN-1: an inserted event that claims a seq, with a forged hash, is caught."""
    records = list(sample().ledger.records)
    forged = records[4].body.replace(b'"john"', b'"zero"')
    records[4] = structs.replace(records[4], body=forged, hash=hashlib.sha256(forged).hexdigest())
    assert 5 == verify(records).bad_seq


def test_chain_1_verify_catches_a_body_whose_seq_lies() -> None:
    """CHAIN-1: an event stored under seq 3 that says it is seq 4."""
    records = list(sample().ledger.records)
    records[2] = structs.replace(records[3], seq=3)
    verdict = verify(records)
    assert 3 == verdict.bad_seq
