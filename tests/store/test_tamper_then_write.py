"""Tamper evidence that survives writes (CHAIN-1) and covers snapshots (CHAIN-2).

A store is changed behind hightable's back, then written to again: the change must still be
caught, the next append must refuse to bury it, and a forged snapshot is never served.
"""

from __future__ import annotations

import msgspec
import pytest
from test_tamper import START, sql, stored_world

from hightable.core import Accepted, Refusal, State
from hightable.errors import Corrupt
from hightable.service import WorldService
from hightable.snapshots import SnapshotBody
from hightable.store import open_store

MINT = {"by": "table", "do": "mint", "to": "john", "amount": 1, "at": "2019-05-17T17:07:00Z"}


def test_chain_1_a_deleted_last_event_is_not_buried_by_the_next_append(durable_url: str) -> None:
    """The last event deleted: the next lawful command is refused as corruption (naming the
    seq), nothing is appended in its place, and verify still names it."""
    with open_store(durable_url) as store:
        service = stored_world(store)
        sql(store, "DELETE FROM events WHERE world = 'w' AND seq = 6")
        for writer in (service, WorldService(store)):  # the one holding the world, and a new one
            with pytest.raises(Corrupt) as caught:
                writer.execute("w", MINT)
            assert 6 == caught.value.seq
        assert 5 == store.head("w").seq  # type: ignore[union-attr]
        verdict = WorldService(store).verify("w")
        assert not verdict.ok and 6 == verdict.bad_seq  # type: ignore[union-attr]


def test_chain_1_a_rewritten_last_event_is_not_buried_by_the_next_append(
    durable_url: str,
) -> None:
    """The last event's body rewritten (the mint made larger): the next append refuses."""
    with open_store(durable_url) as store:
        service = stored_world(store)
        body = sql(store, "SELECT body FROM events WHERE world = 'w' AND seq = 6")[0][0]
        forged = bytes(body).replace(b'"amount":10', b'"amount":99')
        sql(store, "UPDATE events SET body = ? WHERE world = 'w' AND seq = 6", forged)
        with pytest.raises(Corrupt):
            service.execute("w", MINT)
        assert not WorldService(store).verify("w").ok  # type: ignore[union-attr]


def forged_world(url: str) -> None:
    """A world with a snapshot, whose stored snapshot then gains a million coins for john."""
    with open_store(url) as store:
        service = WorldService(store, snapshot_every=4)
        service.create("w", START)
        for minute, member in enumerate(("john", "winston", "sofia", "charon"), start=1):
            register = {"by": "table", "do": "register", "member": member, "name": member}
            service.execute("w", register | {"at": f"2019-05-17T17:0{minute}:00Z"})
        mint = {"by": "table", "do": "mint", "to": "john", "amount": 10}
        assert isinstance(service.execute("w", mint | {"at": "2019-05-17T17:06:00Z"}), Accepted)
        (seq, body), *_ = sql(store, "SELECT seq, body FROM snapshots WHERE world = 'w'")
        snapshot = msgspec.json.decode(bytes(body), type=SnapshotBody)
        snapshot.state.balances["john"] = 1_000_000
        snapshot.state.supply += 1_000_000
        snapshot.state.balance_total += 1_000_000
        sql(
            store,
            "UPDATE snapshots SET body = ? WHERE world = 'w' AND seq = ?",
            msgspec.json.encode(snapshot),
            seq,
        )


def test_chain_2_a_forged_snapshot_is_caught_by_verify_never_served_never_spent(
    durable_url: str,
) -> None:
    """A rewritten snapshot: verify names it (CHAIN-2); a new process serves the true balance,
    and spending the forged coins is refused (COIN-2)."""
    forged_world(durable_url)
    with open_store(durable_url) as store:
        verdict = WorldService(store).verify("w")
        assert not verdict.ok and "CHAIN-2" in (verdict.problem or "")  # type: ignore[union-attr]
        service = WorldService(store)
        state = service.state("w")
        assert isinstance(state, State) and 10 == state.balances["john"]
        spend = {"by": "john", "do": "transfer", "to": "winston", "amount": 500_000}
        outcome = service.execute("w", spend | {"at": "2019-05-17T17:08:00Z"})
        assert isinstance(outcome, Refusal) and "COIN-2" == outcome.rule
        past = service.state_at("w", "2019-05-17T17:05:30Z")  # after the snapshot, before the mint
        assert isinstance(past, State) and 0 == past.balances.get("john", 0)


def test_chain_2_a_snapshot_is_written_with_the_seal_that_vouches_for_it(
    durable_url: str,
) -> None:
    """Every snapshot is followed in the log by a state_sealed event; the world verifies."""
    with open_store(durable_url) as store:
        service = WorldService(store, snapshot_every=3)
        service.create("w", START)
        for minute in range(1, 9):
            register = {"by": "table", "do": "register", "member": f"m{minute}", "name": "m"}
            service.execute("w", register | {"at": f"2019-05-17T17:0{minute}:00Z"})
        seqs = [seq for (seq,) in sql(store, "SELECT seq FROM snapshots WHERE world = 'w'")]
        assert seqs
        types = dict(sql(store, "SELECT seq, type FROM events WHERE world = 'w'"))
        assert all("state_sealed" == types[seq + 1] for seq in seqs)
        assert WorldService(store).verify("w").ok  # type: ignore[union-attr]


def test_chain_1_a_view_of_the_past_reads_no_changed_event(durable_url: str) -> None:
    """A view at an instant over a changed event is refused as corruption, not answered from
    it; a body that is no JSON at all is the same error, never a decoder's."""
    with open_store(durable_url) as store:
        stored_world(store)
        sql(store, "UPDATE events SET body = ? WHERE world = 'w' AND seq = 3", b"\xff{not json")
        service = WorldService(store)
        with pytest.raises(Corrupt) as caught:
            service.state_at("w", "2019-05-17T17:04:00Z")
        assert 3 == caught.value.seq
        with pytest.raises(Corrupt):
            list(service.log("w", after=1, limit=3))
        with pytest.raises(Corrupt):
            list(service.export("w"))
