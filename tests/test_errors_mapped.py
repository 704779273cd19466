"""Every error a driver or a decoder raises reaches a caller as hightable's own: stored bytes of
any shape are `Corrupt` (naming the seq) and a store that fails is a `StoreError`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hightable.checked import check_record, read_events
from hightable.core.chain import GENESIS, Record
from hightable.core.events import event_decoder
from hightable.errors import Corrupt, HightableError, StoreError
from hightable.snapshots import vouched
from hightable.store import Snapshot, open_store

WORLD_CREATED = (
    b'{"at":"2019-05-17T17:00:00Z","by":"table","seq":1,"start":"2019-05-17T17:00:00Z",'
    b'"type":"world_created","world":"w"}'
)


def sealed(body: bytes, seq: int = 1, prev: bytes = GENESIS) -> Record:
    digest = hashlib.sha256(prev + body).hexdigest()
    return Record(seq, "2019-05-17T17:00:00Z", "world_created", body, digest)


@settings(max_examples=300, deadline=None)
@given(
    body=st.binary(max_size=300)
    | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
def test_a_stored_body_of_any_bytes_is_an_event_or_corrupt(body: bytes) -> None:
    """Whatever bytes a record holds under a matching hash, reading it gives an event of this
    world or `Corrupt` naming its seq, never a decoder's error."""
    try:
        check_record("w", sealed(body), GENESIS, event_decoder().decode)
    except Corrupt as error:
        assert 1 == error.seq


@settings(max_examples=200, deadline=None)
@given(
    seqs=st.lists(st.integers(-(2**70), 2**70), min_size=1, max_size=4),
    hashes=st.lists(st.text(max_size=70), min_size=1, max_size=4),
)
def test_records_of_any_seq_and_hash_are_read_or_corrupt(
    seqs: list[int], hashes: list[str]
) -> None:
    """Seqs out of order and hashes that are not hex are `Corrupt`, never a ValueError."""
    records = [
        Record(seq, "2019-05-17T17:00:00Z", "world_created", WORLD_CREATED, digest)
        for seq, digest in zip(seqs, hashes, strict=False)
    ]
    for anchored in (True, False):
        try:
            list(read_events(records, "w", after=seqs[0] if anchored else 0, anchored=anchored))
        except Corrupt:
            pass  # the only error a reader may raise


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=400), seal=st.binary(max_size=200))
def test_a_snapshot_of_any_bytes_is_unused_never_an_error(body: bytes, seal: bytes) -> None:
    """A snapshot or a seal record of any shape is not vouched for, and raises nothing."""
    snapshot = Snapshot("w", 1, "2019-05-17T17:00:00Z", body)
    assert vouched(snapshot, sealed(seal, seq=2)) is None


def test_a_file_that_is_no_database_is_a_store_error(tmp_path: Path) -> None:
    """SQLite's own error on a file of garbage reaches the caller as a StoreError."""
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{garbage}")


def test_a_postgres_nobody_listens_to_is_a_store_error() -> None:
    """psycopg's own error on a refused connection reaches the caller as a StoreError."""
    with pytest.raises(StoreError):
        open_store("postgresql://postgres@127.0.0.1:1/test?connect_timeout=2")


def test_a_store_whose_file_vanished_fails_as_hightable(tmp_path: Path) -> None:
    """A store whose directory is made unreadable fails every call as a HightableError."""
    path = tmp_path / "gone" / "w.db"
    with pytest.raises(HightableError):
        open_store(f"sqlite:///{path}")
