"""Tamper evidence that survives writes (CHAIN-1) and covers snapshots (CHAIN-2).

A store is changed behind hightable's back, then written to again: the change must still be
caught, the next append must refuse to bury it, and a forged snapshot is never served.
"""

from __future__ import annotations

import msgspec
import pytest
from test_tamper import START, sql, stored_world

from hightable.core import Accepted, Refusal, State
from hightable.core.chain import Record
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


def test_chain_1_the_last_two_events_deleted_or_one_stored_past_the_head_stop_the_next_append(
    durable_url: str,
) -> None:
    """The head's record and the one before it deleted: the store's check before an append
    names the head's seq. A record stored past the head (not appended by hightable): it names
    that record. Either way nothing is appended."""
    insert = "INSERT INTO events (world, seq, at, type, body, hash) VALUES ('w', ?, ?, ?, ?, ?)"
    with open_store(durable_url) as store:
        service = stored_world(store)
        last_two = sql(store, "SELECT seq, at, type, body, hash FROM events WHERE seq >= 5")
        sql(store, "DELETE FROM events WHERE world = 'w' AND seq >= 5")
        with pytest.raises(Corrupt) as caught:
            service.execute("w", MINT)  # caught up first: the first record missing
        assert 5 == caught.value.seq
        with pytest.raises(Corrupt) as caught:  # the store's own check, before any row
            store.append("w", [Record(*last_two[-1])])
        assert 6 == caught.value.seq and "missing" in str(caught.value)
        for row in last_two:  # put back, and one more past the head
            sql(store, insert, *row)
        sql(store, insert, 7, *last_two[-1][1:])
        with pytest.raises(Corrupt) as caught:
            store.append("w", [Record(*last_two[-1])])
        assert 7 == caught.value.seq
        assert 7 == store.head("w").seq  # type: ignore[union-attr]  (nothing appended)


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


def snapshotted_world(url: str) -> None:
    """Four members registered a minute apart and ten coins minted, with a snapshot among them."""
    with open_store(url) as store:
        service = WorldService(store, snapshot_every=4)
        service.create("w", START)
        for minute, member in enumerate(("john", "winston", "sofia", "charon"), start=1):
            register = {"by": "table", "do": "register", "member": member, "name": member}
            service.execute("w", register | {"at": f"2019-05-17T17:0{minute}:00Z"})
        mint = {"by": "table", "do": "mint", "to": "john", "amount": 10}
        assert isinstance(service.execute("w", mint | {"at": "2019-05-17T17:06:00Z"}), Accepted)


def forged_world(url: str) -> None:
    """The snapshotted world, whose stored snapshot then gains a million coins for john."""
    snapshotted_world(url)
    with open_store(url) as store:
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


def test_chain_2_a_snapshot_filed_at_another_instant_is_never_used(durable_url: str) -> None:
    """A true snapshot whose stored instant is moved back to the start would answer a view of
    the past with a later world: it is not used, and verify names it."""
    snapshotted_world(durable_url)
    with open_store(durable_url) as store:
        (seq,) = sql(store, "SELECT seq FROM snapshots WHERE world = 'w'")[0]
        assert WorldService(store).verify("w").ok  # type: ignore[union-attr]
        sql(store, "UPDATE snapshots SET at = ? WHERE world = 'w'", START)
        service = WorldService(store)
        past = service.state_at("w", "2019-05-17T17:01:30Z")
        assert isinstance(past, State) and ["john"] == list(past.members)
        verdict = service.verify("w")
        assert not verdict.ok and seq == verdict.bad_seq  # type: ignore[union-attr]
        assert "CHAIN-2" in (verdict.problem or "")  # type: ignore[union-attr]


def test_chain_2_a_snapshot_with_its_tables_reordered_is_never_used(durable_url: str) -> None:
    """The sealed digest covers the order of the state's tables, which the view's lists
    follow: a true snapshot with its members reordered is not the sealed state."""
    snapshotted_world(durable_url)
    with open_store(durable_url) as store:
        (seq, body), *_ = sql(store, "SELECT seq, body FROM snapshots WHERE world = 'w'")
        snapshot = msgspec.json.decode(bytes(body), type=SnapshotBody)
        snapshot.state.members = dict(reversed(snapshot.state.members.items()))
        sql(store, "UPDATE snapshots SET body = ? WHERE world = 'w'", msgspec.json.encode(snapshot))
        verdict = WorldService(store).verify("w")
        assert not verdict.ok and seq == verdict.bad_seq  # type: ignore[union-attr]
        state = WorldService(store).state("w")
        assert isinstance(state, State)
        assert ["john", "winston", "sofia", "charon"] == list(state.members)


def test_chain_1_an_instant_moved_in_the_store_hides_no_event_from_the_past(
    durable_url: str,
) -> None:
    """The mint's stored instant moved past a view's instant: the view and a fork at that
    instant are refused as corruption, never answered without the mint."""
    with open_store(durable_url) as store:
        service = stored_world(store)
        later = {"by": "table", "do": "register", "member": "ares", "name": "Ares"}
        service.execute("w", later | {"at": "2019-05-17T17:40:00Z"})
        sql(store, "UPDATE events SET at = ? WHERE world = 'w' AND seq = 6", "2019-05-17T17:35:00Z")
        with pytest.raises(Corrupt) as caught:
            service.state_at("w", "2019-05-17T17:20:00Z")
        assert 6 == caught.value.seq
        with pytest.raises(Corrupt):
            service.fork("w", "what-if", "2019-05-17T17:20:00Z")


def test_chain_1_a_tail_whose_stored_columns_changed_is_not_written_over(
    durable_url: str,
) -> None:
    """The last event's stored instant and type changed (the body kept): the next append is
    refused, so the world's clock in listings cannot be moved to 9999."""
    with open_store(durable_url) as store:
        service = stored_world(store)
        sql(
            store,
            "UPDATE events SET at = ?, type = ? WHERE world = 'w' AND seq = 6",
            "9999-12-31T23:59:59Z",
            "member_registered",
        )
        with pytest.raises(Corrupt) as caught:
            service.execute("w", MINT)
        assert 6 == caught.value.seq


def test_chain_2_a_seal_made_under_another_shape_of_the_state_is_not_checked() -> None:
    """A log sealed by a hightable whose State had another shape still replays and verifies:
    its seal vouches for snapshots of that shape, which are no longer used."""
    from hightable.checked import check_seal
    from hightable.core.seals import STATE_FORMAT, StateSealed
    from hightable.core.state import initial_state

    state = initial_state("w", START)
    old = StateSealed(world="w", seq=1, at=START, by="table", digest="0" * 64, format=1)
    check_seal("w", state, old)  # nothing to compare
    forged = StateSealed(
        world="w", seq=1, at=START, by="table", digest="0" * 64, format=STATE_FORMAT
    )
    with pytest.raises(Corrupt):
        check_seal("w", state, forged)


def test_a_fork_that_meets_corruption_midway_leaves_no_world_behind(durable_url: str) -> None:
    """A fork is read, replayed and written one event at a time, in one transaction: a changed
    byte at seq 5 is found while the new world is being written, and nothing of it stays."""
    with open_store(durable_url) as store:
        service = stored_world(store)
        body = bytearray(sql(store, "SELECT body FROM events WHERE world = 'w' AND seq = 5")[0][0])
        body[body.index(b"charon")] = ord("k")
        sql(store, "UPDATE events SET body = ? WHERE world = 'w' AND seq = 5", bytes(body))
        with pytest.raises(Corrupt) as caught:
            service.fork("w", "what-if", "2019-05-17T17:06:00Z")
        assert 5 == caught.value.seq
        assert store.head("what-if") is None and ["w"] == [w.world for w in store.worlds()]
        assert [] == list(store.mentions("what-if"))
