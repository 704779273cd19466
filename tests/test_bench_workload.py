"""The benchmark's worlds are deterministic from their seed, and realistic: mostly lawful, every
kind of command in the mix."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from hightable.core import Accepted, Ledger, Refusal

sys.path.insert(0, str(Path(__file__).parents[1]))
from bench.workload import WORLD, instant, world_commands  # noqa: E402


def test_the_same_seed_gives_the_same_world_and_another_seed_another() -> None:
    assert world_commands(7, 50, 500) == world_commands(7, 50, 500)
    assert world_commands(7, 50, 500) != world_commands(8, 50, 500)


def test_the_workload_is_mostly_lawful_and_mixes_every_kind() -> None:
    ledger = Ledger.create(WORLD, instant(0))
    assert isinstance(ledger, Ledger)
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for command in world_commands(11, 100, 3_000):
        outcome = ledger.execute(command)
        outcomes["accepted" if isinstance(outcome, Accepted) else "refused"] += 1
        if isinstance(outcome, Accepted):
            kinds[command["do"]] += 1
        else:
            assert isinstance(outcome, Refusal)
    assert outcomes["refused"] < 0.02 * outcomes["accepted"]
    for kind in (
        "transfer",
        "use_service",
        "post_contract",
        "raise_bounty",
        "eliminate",
        "claim_contract",
        "swear_marker",
        "invoke_marker",
        "honor_marker",
        "offer_terms",
        "accept_terms",
        "swear_fealty",
    ):
        assert kinds[kind] > 10, kind
    assert ledger.verify().ok
    # COIN-3 and §5 at the end of a long life: the escrow is the open contracts' bounties, no
    # balance is negative, and every coin minted is in a balance or in escrow.
    state = ledger.state
    open_bounties = sum(c.bounty for c in state.contracts.values() if c.state == "open")
    assert open_bounties == state.escrow
    assert 0 <= min(state.balances.values())
    assert state.supply == sum(state.balances.values()) + state.escrow
