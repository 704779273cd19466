"""The timeline: a world as of any instant, rebuilt from checkpoints kept in memory, is the world
a replay of its log gives, byte for byte, deadlines included."""

from __future__ import annotations

import itertools
import time
from array import array

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Play, Step, play_steps
from hightable.core import Ledger, Refusal
from hightable.core.chain import GENESIS, seal
from hightable.core.instants import add_minutes
from hightable.core.ledger import advance_to, state_as_of
from hightable.core.state import Death, Member
from hightable.service import WorldService
from hightable.store import open_store
from hightable.store.memory import MemoryStore
from hightable.timeline import Timeline, Timelines
from hightable.timeline_tables import Change, Packed, Shared, Touched, in_order
from strategies import FAMILY_SETUP, LATER_STEP, STEP

START = "2019-05-17T17:00:00Z"


def stored(ledger: Ledger) -> MemoryStore:
    store = MemoryStore()
    store.create_world(ledger.state.world, ledger.events[0].at, seal(ledger.events, GENESIS))
    return store


def instants_of(ledger: Ledger) -> list[str]:
    """Every instant an event happened, and a minute after each: deadlines fall in between."""
    seen = sorted({event.at for event in ledger.events})
    return sorted({*seen, *(add_minutes(at, 1) for at in seen if at < ledger.state.clock)})


STEPS = st.one_of(
    st.lists(STEP, min_size=1, max_size=60),
    st.lists(LATER_STEP, min_size=1, max_size=80).map(lambda steps: FAMILY_SETUP + steps),
)


def assert_rebuilt_as_replayed(timeline: Timeline, ledger: Ledger) -> None:
    """At every instant, the checkpoint before it and the events after it give the world a replay
    of the whole log gives, deadlines included."""
    for instant in instants_of(ledger):
        base = timeline.before(instant)
        expected = state_as_of(ledger.events, instant)
        assert not isinstance(expected, Refusal)
        if base is None:
            assert instant < timeline.checkpoints[0].at if timeline.checkpoints else True
            continue
        tail = [event for event in ledger.events if event.seq > base.seq and event.at <= instant]
        rebuilt = advance_to(base, tail, instant)
        assert msgspec.json.encode(expected) == msgspec.json.encode(rebuilt), instant


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS, st.integers(1, 9))
def test_a_state_rebuilt_from_checkpoints_is_the_replayed_state(
    steps: list[Step], every: int
) -> None:
    """Whole copies, changes, removals, tables that keep their order: all as a replay has them."""
    ledger = play_steps(steps)
    timeline = Timeline(ledger.state.world, every=every)
    timeline.catch_up(stored(ledger))
    assert ledger.state.seq == timeline.seq
    assert_rebuilt_as_replayed(timeline, ledger)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS, st.integers(1, 6), st.lists(st.integers(1, 25), min_size=1, max_size=5))
def test_a_timeline_caught_up_as_its_log_grows_is_the_replayed_state(
    steps: list[Step], every: int, parts: list[int]
) -> None:
    """Each catch-up goes on from the last event the one before replayed: checkpoints made so
    are those made at once, and each keeps what differs from the one before."""
    ledger = play_steps(steps)
    records = seal(ledger.events, GENESIS)
    store, timeline = MemoryStore(), Timeline(ledger.state.world, every=every)
    first = min(parts[0], len(records))
    store.create_world(ledger.state.world, ledger.events[0].at, records[:first])
    timeline.catch_up(store)
    for size in [*parts[1:], len(records)]:
        grown = len(list(store.read(ledger.state.world)))
        store.append(ledger.state.world, records[grown : grown + size])
        timeline.catch_up(store)
        assert min(grown + size, len(records)) == timeline.seq
    at_once = Timeline(ledger.state.world, every=every)
    at_once.catch_up(stored(ledger))
    assert [c.seq for c in at_once.checkpoints] == [c.seq for c in timeline.checkpoints]
    assert_rebuilt_as_replayed(timeline, ledger)


def test_entries_removed_and_added_again_between_checkpoints() -> None:
    """Index entries that leave (a contract claimed, a marker honored, a deadline lifted) and
    come back (a new contract on the same target) between two checkpoints of a large state."""
    play = Play()
    crowd = [f"m{number:02d}" for number in range(40)]
    play.register("john", "sofia", "winston", "zero", *crowd)
    play.ok("table", "appoint", member="zero", office="adjudicator")
    for member in ("john", "winston", *crowd):
        play.ok("table", "mint", to=member, amount=100)
    for number, member in enumerate(crowd):  # large indexes: a change is a small part of them
        play.ok("john", "post_contract", contract=f"on-{member}", target=member, bounty=1)
        play.ok(member, "swear_marker", marker=f"k{number}", holder="winston")
    play.ok("john", "post_contract", contract="c1", target="sofia", bounty=5)
    play.ok("winston", "swear_marker", marker="k1-john", holder="john")
    play.ok("zero", "excommunicate", member="m00", grace=600, reason="r")
    play.ok("john", "invoke_marker", marker="k1-john", favor="f")
    play.ok("john", "honor_marker", marker="k1-john")
    play.ok("john", "cancel_contract", contract="c1")
    play.ok("winston", "post_contract", contract="c2", target="sofia", bounty=7)
    play.ok("zero", "fine", member="m01", amount=1, reason="r")
    play.ok("john", "transfer", to="m02", amount=1)
    ledger = play.ledger
    timeline = Timeline(ledger.state.world, every=3)
    timeline.catch_up(stored(ledger))
    removals = [
        change
        for checkpoint in timeline.checkpoints
        for change in checkpoint.tables.values()
        if isinstance(change, Change) and change.removed
    ]
    assert removals, "no checkpoint held a removal"
    for instant in instants_of(ledger):
        base = timeline.before(instant)
        if base is None:
            continue
        tail = [event for event in ledger.events if event.seq > base.seq and event.at <= instant]
        expected = state_as_of(ledger.events, instant)
        assert msgspec.json.encode(expected) == msgspec.json.encode(advance_to(base, tail, instant))


def test_each_table_keeps_its_changes_until_they_outgrow_it() -> None:
    """A table that changes gets a whole copy now and then, changes in between; a table that
    does not change is neither copied nor noted again."""
    play = Play()
    crowd = [f"m{number:02d}" for number in range(40)]
    play.register("john", "sofia", *crowd)
    for member in ("john", *crowd):
        play.ok("table", "mint", to=member, amount=200)
    setup = play.ledger.state.seq
    for _ in range(120):  # two balances changed each time: the whole table after 21 steps
        play.ok("john", "transfer", to="sofia", amount=1)
    timeline = Timeline(play.ledger.state.world, every=4)
    timeline.catch_up(stored(play.ledger))
    after = [c for c in timeline.checkpoints if c.seq > setup + 4]
    assert after and all(set(c.tables) <= {"balances"} for c in after)
    kept = [c.tables.get("balances") for c in after]
    assert any(isinstance(k, Change) for k in kept) and any(isinstance(k, Packed) for k in kept)
    assert 1 == len({c.base("members") for c in after})


def test_a_replica_table_refuses_bulk_edits() -> None:
    """A change that bypasses the item methods would go unseen: it is refused instead."""
    table = Touched({"a": 1})
    for edit in (lambda: table.update(b=2), lambda: table.clear(), lambda: table.setdefault("c")):
        with pytest.raises(TypeError):
            edit()
    table["a"], table["b"] = 2, 3  # one changed in place, one added
    del table["a"]
    assert Change(removed=("a",), put=Packed({"b": 3})) == table.changes(Shared())
    assert table.changes(Shared()) is None


def test_an_entry_changed_and_changed_back_is_left_out() -> None:
    """What differs from the checkpoint before is kept, not what an event touched: and a flag
    is not the number it equals."""
    table = Touched({"a": 1, "b": 2})
    table["a"], table["a"], table["b"] = 5, 1, 3
    assert Change(removed=(), put=Packed({"b": 3})) == table.changes(Shared())
    table["a"] = True
    change = table.changes(Shared())
    assert change is not None and [("a", True)] == list(change.put.items())
    assert change.put.values[0] is True
    table["a"] = True
    assert table.changes(Shared()) is None


def text(*parts: str) -> str:
    return "".join(parts)  # a new string each call, equal to the others


def test_equal_texts_tuples_and_dicts_of_texts_are_kept_once() -> None:
    """Ids named by many entities, nested ones too, and the index entries and grants that repeat
    them: one object each, where a replay makes one per event."""
    shared = Shared()
    members = [
        shared.entity(
            Member(
                name=name,
                offices=(text("eld", "er"),),
                death=Death(by=text("jo", "hn"), at=START, confirmed=True),
            )
        )
        for name in ("a", "b")
    ]
    one, other = (member.death for member in members)
    assert one is not None and other is not None and one.by is other.by
    assert members[0].offices is members[1].offices
    grants = [shared.value(({text("cancel_", "contracts_on"): text("jo", "hn")},)) for _ in "ab"]
    assert ({"cancel_contracts_on": "john"},) == grants[0]
    assert grants[0][0] is grants[1][0]  # type: ignore[index]
    flags, numbers = shared.value((True, False)), shared.value((1, 0))
    assert (True, False) == flags and [int, int] == [type(n) for n in numbers]  # type: ignore[attr-defined]


def test_whole_copies_of_a_growing_table_share_one_list_of_keys() -> None:
    """Each copy reads as many keys as it has values; a table a key left gets a list of its own,
    and the earlier copies still read theirs."""
    first, grown = {"a": 1, "b": 2}, {"a": 3, "b": 2, "c": 4}
    keys = in_order([], first, Shared())
    early = Packed(first, keys)
    late = Packed(grown, in_order(keys, grown, Shared()))
    assert late.keys is early.keys
    assert first == dict(early.items()) and grown == dict(late.items())
    left = in_order(keys, {"b": 2, "c": 4}, Shared())
    assert left is not keys and ["b", "c"] == left
    assert first == dict(early.items()) and grown == dict(late.items())


def world_of(store_url: str, events: int) -> WorldService:
    service = WorldService(open_store(store_url), timelines=2)
    service.create("w", START)
    commands = [{"by": "table", "do": "register", "member": "john", "name": "J", "at": START}]
    commands += [
        {"by": "table", "do": "mint", "to": "john", "amount": 1, "at": add_minutes(START, n)}
        for n in range(1, events)
    ]
    for first in range(0, len(commands), 1_000):
        service.execute_batch("w", commands[first : first + 1_000])
    return service


def test_the_service_answers_views_at_an_instant_from_its_timeline() -> None:
    """Once caught up, a view at an instant reads no snapshot: a checkpoint and a short tail."""
    service = world_of("memory://", 4_500)
    service.store.drop_snapshots("w")
    service.timeline("w")
    ledger = Ledger(list(service.log("w")))
    for minutes in (0, 30, 2_500, 4_000, 4_498):
        instant = add_minutes(START, minutes)
        expected = ledger.state_at(instant)
        seen = service.state_at("w", instant)
        assert msgspec.json.encode(expected) == msgspec.json.encode(seen)
    assert 4 == len(service.timeline("w").checkpoints)  # one each 1,000 events


def test_a_lagging_timeline_catches_up_in_the_background_and_answers_meanwhile() -> None:
    """The first view at an instant starts the timeline; the answer comes from the snapshots."""
    service = world_of("memory://", 4_500)
    instant = add_minutes(START, 4_200)
    expected = Ledger(list(service.log("w"))).state_at(instant)
    assert msgspec.json.encode(expected) == msgspec.json.encode(service.state_at("w", instant))
    deadline = time.monotonic() + 30
    while service.timeline("w", catch_up=False).seq < 4_000 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert 4 == len(service.timeline("w", catch_up=False).checkpoints)
    assert msgspec.json.encode(expected) == msgspec.json.encode(service.state_at("w", instant))


def contracts_on_john() -> Ledger:
    """Contracts posted on one target in events far apart."""
    play = Play()
    play.register("john", "sofia", "winston")
    play.ok("table", "mint", to="winston", amount=100)
    for number in range(6):
        play.ok("winston", "post_contract", contract=f"c{number}", target="john", bounty=1)
    return play.ledger


def targets_of(timeline: Timeline) -> list[str]:
    kept = [c.tables["contracts"] for c in timeline.checkpoints if "contracts" in c.tables]
    packed = [table.put if isinstance(table, Change) else table for table in kept]
    return [contract.target for table in packed for _, contract in table.items()]  # type: ignore[attr-defined]


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_checkpoints_keep_one_string_per_id_and_coins_in_an_array(parts: int) -> None:
    """Every checkpoint names the target with one and the same string, whether the timeline
    caught up at once or as the log grew; balances are kept as 64-bit integers, not objects."""
    ledger = contracts_on_john()
    world, records = ledger.state.world, seal(ledger.events, GENESIS)
    cuts = [len(records) * part // parts for part in range(parts + 1)]
    store, timeline = MemoryStore(), Timeline(world, every=2)
    store.create_world(world, ledger.events[0].at, records[: cuts[1]])
    timeline.catch_up(store)
    for start, end in itertools.pairwise(cuts[1:]):
        store.append(world, records[start:end])
        timeline.catch_up(store)
    targets = targets_of(timeline)
    assert len(targets) >= 4 and 1 == len({id(target) for target in targets})
    balances = [c.tables["balances"] for c in timeline.checkpoints if "balances" in c.tables]
    packed = [table.put if isinstance(table, Change) else table for table in balances]
    assert packed and all(isinstance(table.values, array) for table in packed if len(table))


def test_a_packed_table_of_numbers_too_large_or_of_booleans_stays_a_tuple() -> None:
    assert isinstance(Packed({"a": 2**70}).values, tuple)
    assert isinstance(Packed({"a": True}).values, tuple)
    assert {"a": 2**70, "b": 1} == dict(Packed({"a": 2**70, "b": 1}).items())


def test_a_timeline_of_a_world_deleted_and_made_again_serves_none_of_the_old_world() -> None:
    """Another process deletes the world and makes it again under its id: the checkpoints kept
    of the old world are never served for the new one, and a catch-up starts afresh."""
    store = MemoryStore()
    service = WorldService(store)
    assert not isinstance(service.create("w", START), Refusal)
    for minute, member in enumerate(("john", "winston", "elder", "ares"), start=1):
        register = {"by": "table", "do": "register", "member": member, "name": member}
        service.execute("w", {**register, "at": add_minutes(START, minute)})
    timelines = Timelines(store, capacity=2)
    timeline = timelines.get("w")
    timeline.every = 2
    timeline.catch_up(store)
    late = add_minutes(START, 30)
    assert "john" in timelines.before("w", late, 5).members  # type: ignore[union-attr]
    store.delete_world("w")
    again = WorldService(store)
    assert not isinstance(again.create("w", START), Refusal)
    register = {"by": "table", "do": "register", "member": "x", "name": "x"}
    again.execute("w", {**register, "at": add_minutes(START, 1)})
    assert timelines.before("w", late, 2) is None
    timeline.catch_up(store)
    assert ["x"] == list(timeline.before(late).members)  # type: ignore[union-attr]
