"""What an operator does to a store's worlds, run unchanged against every store: tokens listed
and revoked, worlds archived and deleted, and whether the store can serve."""

from __future__ import annotations

import hashlib

import pytest
from test_contract import START, ticks

from hightable.errors import Archived
from hightable.store import EventStore, Snapshot, open_store
from hightable.store.migrations import LATEST

ISSUED = "2026-01-01T10:00:00Z"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def test_tokens_are_listed_without_their_hash_and_a_revoked_one_is_refused(
    store: EventStore,
) -> None:
    store.create_world("w", START, ticks("w", 0))
    store.save_token("w", digest("one"), "table", ISSUED, "the table")
    store.save_token("w", digest("two"), "john", "2026-01-01T11:00:00Z")
    listed = store.tokens("w")
    assert [("table", "the table", ISSUED, None), ("john", "", "2026-01-01T11:00:00Z", None)] == [
        (t.holder, t.label, t.issued_at, t.revoked_at) for t in listed
    ]
    assert all(len(t.id) == 16 and t.id not in (digest("one"), digest("two")) for t in listed)
    john = listed[1].id
    assert not store.revoke_token("v", john, ISSUED)  # another world's id names nothing
    assert store.revoke_token("w", john, "2026-01-02T00:00:00Z")
    assert not store.revoke_token("w", john, "2026-01-03T00:00:00Z")  # revoked once
    assert store.token_holder("w", digest("two")) is None
    assert "table" == store.token_holder("w", digest("one"))
    assert "2026-01-02T00:00:00Z" == store.tokens("w")[1].revoked_at


def test_world_2_an_archived_world_takes_no_append_until_unarchived(store: EventStore) -> None:
    records = ticks("w", 1)
    store.create_world("w", START, records[:1])
    store.create_world("v", START, ticks("v", 0))
    assert not store.is_archived("w")
    store.set_archived("w", True)
    assert store.is_archived("w") and not store.is_archived("v")
    with pytest.raises(Archived):
        store.append("w", records[1:])
    assert 1 == store.head("w").seq  # type: ignore[union-attr]
    store.set_archived("w", False)
    assert not store.is_archived("w")
    store.append("w", records[1:])
    assert records == list(store.read("w"))


def test_a_deleted_world_leaves_nothing_and_its_id_is_free_again(store: EventStore) -> None:
    store.create_world("w", START, ticks("w", 3))
    store.create_world("v", START, ticks("v", 1))
    store.save_snapshot(Snapshot("w", 2, "2019-05-17T17:01:00Z", b"two"))
    store.save_token("w", digest("w-token"), "table", ISSUED)
    store.save_token("v", digest("v-token"), "table", ISSUED)
    store.set_public("w", True)
    store.set_archived("w", True)
    assert store.delete_world("w")
    assert not store.delete_world("w")
    assert (None, None, [], [], None) == (
        store.head("w"),
        store.recorded_head("w"),
        list(store.read("w")),
        store.tokens("w"),
        store.latest_snapshot("w"),
    )
    assert ["v"] == [w.world for w in store.worlds()]
    assert "table" == store.token_holder("v", digest("v-token"))
    store.create_world("w", START, ticks("w", 0))  # a new world under the old id
    assert not store.is_public("w") and not store.is_archived("w") and [] == store.tokens("w")


def test_a_store_at_the_latest_schema_has_no_problem(store: EventStore) -> None:
    assert store.problem() is None


def test_a_store_behind_the_latest_schema_names_the_problem(durable_url: str) -> None:
    with open_store(durable_url) as opened:
        opened._run(  # type: ignore[attr-defined]
            lambda cursor: cursor.execute(f"DELETE FROM hightable_schema WHERE version = {LATEST}")
        )
        assert f"not {LATEST}" in (opened.problem() or "")
