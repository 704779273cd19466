"""The write path: what the process holds is always what the store holds, whatever fails.

Faults of every type are injected where a command goes from decided to acknowledged (deciding,
sealing, appending, after the commit), and after each step the service's world must equal a
fresh load from the store, and every acknowledged command must be in the store.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

import hightable.service.writing as service_module
from figures import FIGURES
from hightable.core import Accepted, Refusal, Replayed, State
from hightable.core.chain import Record
from hightable.core.contracts import ContractCancelled
from hightable.core.engine import APPLIERS
from hightable.service import WorldService
from hightable.store import open_store
from hightable.storm.faults import FaultyStore
from writepath import START, frozen, inject_into, random_command, setup_world


@pytest.mark.parametrize("seed", range(6))
def test_faults_anywhere_leave_the_process_holding_what_the_store_holds(
    seed: int, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random faults of any type at decide, seal, append and after the commit: after every
    step the service's world is a fresh load's, and every acknowledged cid is stored."""
    rng = random.Random(seed)
    inner = open_store(f"sqlite:///{tmp_path / 'w.db'}" if seed % 2 else "memory://")
    faulty = FaultyStore(inner, rng, rate=0.0)
    service = WorldService(faulty, snapshot_every=7)  # type: ignore[arg-type]
    setup_world(service)
    faulty.rate = 0.25
    inject_into(monkeypatch, "seal", rng, faulty)
    inject_into(monkeypatch, "decide", rng, faulty)
    acknowledged: set[str] = set()
    for index in range(120):
        raw = random_command(rng, index)
        try:
            outcome = service.execute("w", raw)
        except BaseException:  # noqa: B036  (any fault at all, KeyboardInterrupt included)
            outcome = None
        if isinstance(outcome, Accepted | Replayed):
            acknowledged.add(raw["cid"])
        held = service.state("w")
        fresh = WorldService(inner).state("w")
        assert frozen(fresh) == frozen(held)
        assert isinstance(fresh, State) and acknowledged <= set(fresh.cids)
        FIGURES.count("write path steps checked against a fresh load")
    assert faulty.injected > 10
    FIGURES.count("faults injected at decide, seal, append and commit", faulty.injected)
    assert WorldService(inner).verify("w").ok  # type: ignore[union-attr]


def test_a_command_that_cannot_be_sealed_is_refused_alone_and_stored_nowhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FAULT-1: sealing one command of a group raises; that command is refused, the others of
    the batch are stored, and a retry of its cid is judged again, not answered "replayed"."""
    store = open_store("memory://")
    service = WorldService(store)
    setup_world(service)
    real = service_module.seal

    def seal(events: Any, prev: bytes) -> list[Record]:
        if any(getattr(event, "help", None) == "poison" for event in events):
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return real(events, prev)

    monkeypatch.setattr(service_module, "seal", seal)
    aid = {"by": "john", "do": "aid", "member": "sofia", "at": START}
    batch = service.execute_batch(
        "w",
        [aid | {"help": "a coin"}, aid | {"help": "poison", "cid": "p"}, aid | {"help": "a car"}],
    )
    rules = [o.rule if isinstance(o, Refusal) else "ok" for o in batch.outcomes]
    assert ["ok", "FAULT-1", "ok"] == rules
    assert frozen(WorldService(store).state("w")) == frozen(service.state("w"))
    monkeypatch.setattr(service_module, "seal", real)
    retry = service.execute("w", aid | {"help": "poison", "cid": "p"})
    assert isinstance(retry, Accepted)  # judged afresh: the first attempt was never stored


def test_invariant_1_a_planted_double_refund_is_refused_before_it_is_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """INVARIANT-1: with a bug planted in the applier of contract_cancelled (the escrow refunded
    twice), the cancellation is refused, nothing is appended, and the books still balance."""
    store = open_store("memory://")
    service = WorldService(store)
    setup_world(service)
    post = {"by": "john", "do": "post_contract", "contract": "c", "target": "sofia", "at": START}
    assert isinstance(service.execute("w", post | {"bounty": 100}), Accepted)
    real = APPLIERS[ContractCancelled]

    def refund_twice(state: State, event: Any) -> None:
        real(state, event)
        state.balances[event.by] += event.bounty
        state.balance_total += event.bounty
        state.escrow -= event.bounty

    monkeypatch.setitem(APPLIERS, ContractCancelled, refund_twice)
    head = store.head("w")
    outcome = service.execute(
        "w", {"by": "john", "do": "cancel_contract", "contract": "c", "at": START}
    )
    assert isinstance(outcome, Refusal) and "INVARIANT-1" == outcome.rule
    assert head == store.head("w")
    state = service.state("w")
    assert isinstance(state, State) and 100 == state.escrow and 900 == state.balances["john"]


def test_a_world_the_store_does_not_hold_gets_no_orphan_rows(durable_url: str) -> None:
    """Appending to a world that does not exist writes nothing and says so."""
    from hightable.core.chain import GENESIS, seal
    from hightable.core.world import create_world
    from hightable.errors import NoSuchWorld

    with open_store(durable_url) as store:
        created = create_world("ghost", START)
        assert not isinstance(created, Refusal)
        with pytest.raises(NoSuchWorld):
            store.append("ghost", seal([created[1]], GENESIS))
        assert [] == list(store.read("ghost"))
