"""INVARIANT-1: what the ledger promises after every command, checked before it is stored.

The totals are kept by the appliers as they change balances and contracts, so that checking
costs a few comparisons; `recount` adds them up from scratch, for `verify` and for tests, so
that a total kept wrong cannot hide a broken ledger.
"""

from __future__ import annotations

from hightable.core.rules import Refusal, refuse
from hightable.core.state import State


def ledger_problem(state: State) -> str | None:
    """What breaks the ledger's promises (COIN-2, COIN-3, §5's escrow), or None."""
    if state.overdrawn_count:
        return f"{state.overdrawn_count} balance(s) below zero"
    if state.escrow != state.bounty_total:
        return (
            f"escrow holds {state.escrow} coins but the open contracts' bounties add up to "
            f"{state.bounty_total}"
        )
    if state.supply != state.balance_total + state.escrow:
        return (
            f"{state.supply} coins were minted but balances hold {state.balance_total} "
            f"and escrow {state.escrow}"
        )
    return None


def check_ledger(state: State) -> Refusal | None:
    """INVARIANT-1 as a refusal: the command that led here must not be stored."""
    problem = ledger_problem(state)
    return refuse("INVARIANT-1", problem) if problem else None


def recount(state: State) -> str | None:
    """The kept totals against the sums they stand for, and then the invariants."""
    balances = state.balances.values()
    open_bounties = sum(c.bounty for c in state.contracts.values() if c.state == "open")
    counted = (sum(balances), open_bounties, sum(1 for b in balances if b < 0))
    kept = (state.balance_total, state.bounty_total, state.overdrawn_count)
    if counted != kept:
        return (
            f"the kept totals {kept} differ from the sums {counted} (balances, bounties, overdrawn)"
        )
    return ledger_problem(state)
