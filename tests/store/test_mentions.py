"""The index of mentions: which events name which ids, written with the events, read by a
dossier instead of the whole log, and checked by verify against the log."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_tamper import sql, stored_world

from helpers import Step, play_steps
from hightable.core import Ledger, Refusal, State
from hightable.core.chain import GENESIS, Record, seal
from hightable.core.dossier import (
    Standing,
    candidates_in,
    dossier,
    dossier_from,
    names_for,
    standing,
)
from hightable.core.ledger import state_as_of
from hightable.core.mentions import names_in_body
from hightable.core.view import known_events
from hightable.service import WorldService
from hightable.store import EventStore, open_store
from hightable.store.memory import MemoryStore
from strategies import FAMILY_SETUP, LATER_STEP, STEP

EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
WORLDS = st.one_of(
    st.lists(STEP, min_size=1, max_size=40),
    st.lists(LATER_STEP, min_size=1, max_size=50).map(lambda steps: FAMILY_SETUP + steps),
)


def rows_of(records: list[Record]) -> list[tuple[int, str]]:
    """The index's rows as the log's bodies give them."""
    return [(r.seq, name) for r in records for name in names_in_body(r.body)]


def test_the_index_names_each_event_by_the_ids_it_holds(store: EventStore) -> None:
    """Created and appended records are indexed in the same transaction, read back by id."""
    ledger = play_steps([])
    records = ledger.records
    store.create_world("prop", ledger.events[0].at, records[:3])
    store.append("prop", records[3:])
    expected = rows_of(records)
    assert expected == list(store.mentions("prop"))
    john = [seq for seq, name in expected if name == "john"]
    assert john and john == store.mentioning("prop", ["john"])
    both = sorted({seq for seq, name in expected if name in ("john", "sofia")})
    assert both == store.mentioning("prop", ["sofia", "john", "john"])
    assert [] == store.mentioning("prop", ["nobody"])
    assert [records[1], records[4]] == store.read_seqs("prop", [5, 2, 99])


def indexed_dossier(
    service: WorldService, world: str, member: str, instant: str | None
) -> dict[str, object]:
    """The dossier as the API makes it: the objects looked for among those named in the
    member's own events, and their events, all found by the index."""

    def read(state: State) -> Standing:
        mine = service.events_naming(world, [member])
        return standing(state, member, candidates_in(mine, member))

    stand = service.reading(world, instant, read)
    assert not isinstance(stand, Refusal)
    return dossier_from(service.events_naming(world, names_for(member, stand.held)), member, stand)


def dossiers_agree(service: WorldService, ledger: Ledger, instant: str | None) -> None:
    """For each member: the dossier through the index is the dossier from the whole log."""
    past = state_as_of(ledger.events, instant) if instant else ledger.state
    assert isinstance(past, State)
    for member in past.members:
        whole = dossier(known_events(ledger.events, past), past, member)
        assert whole == indexed_dossier(service, "prop", member, instant)


@pytest.fixture
def reused(store_url: str) -> Iterator[EventStore]:
    """One store for every example of a property: each example's world is removed after it."""
    store = open_store(store_url)
    yield store
    store.close()


def forget(store: EventStore) -> None:
    if isinstance(store, MemoryStore):
        for table in (store._logs, store._starts, store._mentions, store._snapshots):
            table.pop("prop", None)  # type: ignore[attr-defined]
        return
    for table in ("mentions", "snapshots", "events", "worlds"):
        sql(store, f"DELETE FROM {table} WHERE world = 'prop'", world="prop")


@EXAMPLES
@given(steps=WORLDS, cut=st.floats(0, 1))
def test_a_dossier_through_the_index_is_the_dossier_from_the_whole_log(
    reused: EventStore, steps: list[Step], cut: float
) -> None:
    """Over random worlds, now and at an instant in their past, on every store."""
    ledger = play_steps(steps)
    forget(reused)
    reused.create_world("prop", ledger.events[0].at, seal(ledger.events, GENESIS))
    service = WorldService(reused)
    dossiers_agree(service, ledger, None)
    dossiers_agree(service, ledger, ledger.events[int(cut * (len(ledger.events) - 1))].at)


def test_a_dossier_reads_the_events_of_its_objects_that_do_not_name_the_member(
    store: EventStore,
) -> None:
    """A bounty raised by the client names the contract, not its target: the target's dossier
    still dates the contract's last change by it."""
    service = stored_world(store)
    commands = [
        {"by": "table", "do": "mint", "to": "winston", "amount": 50},
        {"by": "winston", "do": "post_contract", "contract": "c1", "target": "john", "bounty": 5},
        {"by": "winston", "do": "raise_bounty", "contract": "c1", "amount": 2},
    ]
    for minute, command in enumerate(commands, start=10):
        service.execute("w", {**command, "at": f"2019-05-17T17:{minute}:00Z"})
    found = indexed_dossier(service, "w", "john", None)
    assert "2019-05-17T17:12:00Z" == found["contracts_on"][0]["changed"]  # type: ignore[index]
    state = service.state("w")
    assert isinstance(state, State)
    assert dossier(list(service.log("w")), state, "john") == found


def test_verify_names_an_index_row_removed_or_added(store: EventStore) -> None:
    """A row removed would hide an event from a dossier; one added shows an event that names
    no one there: verify names the seq of either."""
    service = stored_world(store)
    assert service.verify("w").ok  # type: ignore[union-attr]
    seq = store.mentioning("w", ["sofia"])[0]
    remove_row(store, "sofia", seq)
    verdict = service.verify("w")
    assert not verdict.ok and seq == verdict.bad_seq  # type: ignore[union-attr]
    assert "missing ['sofia']" in verdict.problem  # type: ignore[union-attr, operator]
    add_row(store, "sofia", seq)
    assert service.verify("w").ok  # type: ignore[union-attr]
    add_row(store, "sofia", 2)
    verdict = service.verify("w")
    assert not verdict.ok and 2 == verdict.bad_seq  # type: ignore[union-attr]
    assert "extra ['sofia']" in verdict.problem  # type: ignore[union-attr, operator]


def test_verify_names_an_index_row_past_the_log(store: EventStore) -> None:
    service = stored_world(store)
    add_row(store, "john", 99)
    verdict = service.verify("w")
    assert not verdict.ok and 99 == verdict.bad_seq  # type: ignore[union-attr]
    assert "past the log" in verdict.problem  # type: ignore[union-attr, operator]


def test_an_indexed_event_missing_from_the_log_is_corrupt_not_a_short_dossier(
    durable_url: str,
) -> None:
    """The index names a seq whose record was deleted: the dossier's reader refuses it."""
    from hightable.errors import Corrupt

    with open_store(durable_url) as store:
        service = stored_world(store)
        seq = store.mentioning("w", ["sofia"])[0]
        sql(store, "DELETE FROM events WHERE world = 'w' AND seq = ?", seq)
        with pytest.raises(Corrupt, match=f"seq {seq}: an indexed event is not in the log"):
            service.events_naming("w", ["sofia"])


def remove_row(store: EventStore, name: str, seq: int) -> None:
    if isinstance(store, MemoryStore):
        store._mentions["w"][name].remove(seq)
    else:
        sql(store, "DELETE FROM mentions WHERE world = 'w' AND name = ? AND seq = ?", name, seq)


def add_row(store: EventStore, name: str, seq: int) -> None:
    if isinstance(store, MemoryStore):
        store._mentions["w"].setdefault(name, []).append(seq)
    else:
        sql(store, "INSERT INTO mentions (world, name, seq) VALUES ('w', ?, ?)", name, seq)


def downgrade(url: str, statements: list[str]) -> None:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            for statement in statements:
                connection.execute(statement)
        return
    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


def test_migration_5_indexes_the_events_of_a_store_kept_before_it(durable_url: str) -> None:
    """A store of version 4 (no index) gets every event of every world indexed on opening."""
    with open_store(durable_url) as store:
        stored_world(store)
        expected = list(store.mentions("w"))
    assert expected
    downgrade(durable_url, ["DROP TABLE mentions", "UPDATE hightable_schema SET version = 4"])
    downgrade(durable_url, ["DELETE FROM hightable_schema WHERE version > 4"])
    with open_store(durable_url) as store:
        assert expected == list(store.mentions("w"))
        assert WorldService(store).verify("w").ok  # type: ignore[union-attr]
