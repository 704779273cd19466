"""Snapshots: a cached state of a world, trusted only when the chain vouches for it (CHAIN-2).

A snapshot after seq N is written in the same transaction as a `state_sealed` event at seq N + 1
holding the digest of that state. Loading a snapshot checks that event: its link to the
snapshot's hash and its digest against the snapshot's state. A snapshot that fails is not used.
"""

from __future__ import annotations

import logging

import msgspec

from hightable.checked import check_record
from hightable.core import State
from hightable.core.chain import Record
from hightable.core.events import event_decoder
from hightable.core.seals import STATE_FORMAT, StateSealed, state_digest
from hightable.errors import Corrupt
from hightable.store import Snapshot

FORMAT = STATE_FORMAT  # a snapshot of another shape is ignored
log = logging.getLogger("hightable.snapshots")


class SnapshotBody(msgspec.Struct):
    format: int
    hash: str  # the hash of the record at the snapshot's seq
    state: State


def encode_snapshot(world: str, state: State, digest: str) -> Snapshot:
    body = msgspec.json.encode(SnapshotBody(FORMAT, digest, state))
    return Snapshot(world, state.seq, state.clock, body)


def decode_snapshot(snapshot: Snapshot) -> SnapshotBody | None:
    """The snapshot's body, or None when it cannot be read or is of an older format."""
    try:
        body = msgspec.json.decode(snapshot.body, type=SnapshotBody)
    except (msgspec.DecodeError, ValueError, TypeError):
        return None
    return body if body.format == FORMAT else None


def filed_right(snapshot: Snapshot, body: SnapshotBody) -> bool:
    """The seq and instant a store finds it by are its state's (which the seal vouches for)."""
    return (body.state.seq, body.state.clock) == (snapshot.seq, snapshot.at)


def read_snapshot(snapshot: Snapshot) -> SnapshotBody | None:
    """The snapshot's body, if it can be read, is of this format, and is filed right."""
    body = decode_snapshot(snapshot)
    return body if body is not None and filed_right(snapshot, body) else None


def vouched(snapshot: Snapshot, sealed: Record | None) -> SnapshotBody | None:
    """The snapshot's body when `sealed`, the record after it, vouches for it (CHAIN-2)."""
    body = read_snapshot(snapshot)
    if body is None:
        return None
    problem = seal_problem(body, sealed)
    if problem:
        log.error(
            "world %s: snapshot at seq %d not used: %s", snapshot.world, snapshot.seq, problem
        )
        return None
    return body


def seal_problem(body: SnapshotBody, sealed: Record | None) -> str | None:
    """CHAIN-2: why `sealed` does not vouch for the snapshot's state, if it does not."""
    if sealed is None or sealed.seq != body.state.seq + 1:
        return "no state_sealed event follows it"
    try:
        prev = bytes.fromhex(body.hash)
        event, _ = check_record(body.state.world, sealed, prev, event_decoder().decode)
    except (Corrupt, ValueError) as error:
        return f"the record after it does not continue its chain ({error})"
    if not isinstance(event, StateSealed):
        return f"the record after it is {event.type}, not state_sealed"
    if event.format != FORMAT or event.digest != state_digest(body.state):
        return "its state is not the one the chain sealed"
    return None
