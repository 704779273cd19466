"""Small builders shared by the tests: a world with a cast, commands stamped in order."""

from __future__ import annotations

from typing import Any

import msgspec

from hightable.core import Accepted, Ledger, Refusal, State, coins_accounted, handle
from hightable.core.instants import add_minutes
from strategies import SETUP

START = "2019-05-17T17:00:00Z"


class Play:
    """A world driven one command at a time, each a minute after the last unless told."""

    def __init__(self, world: str = "test", start: str = START):
        ledger = Ledger.create(world, start)
        assert isinstance(ledger, Ledger)
        self.ledger = ledger
        self.minute = 0

    def at(self, minute: int | None = None) -> str:
        self.minute = self.minute + 1 if minute is None else minute
        return add_minutes(START, self.minute)

    def do(self, by: str, do: str, minute: int | None = None, **fields: Any) -> Any:
        return self.ledger.execute({"by": by, "do": do, "at": self.at(minute), **fields})

    def ok(self, by: str, do: str, **fields: Any) -> Accepted:
        outcome = self.do(by, do, **fields)
        assert isinstance(outcome, Accepted), outcome
        return outcome

    def refused(self, by: str, do: str, **fields: Any) -> Refusal:
        outcome = self.do(by, do, **fields)
        assert isinstance(outcome, Refusal), outcome
        return outcome

    def register(self, *members: str) -> Play:
        for member in members:
            self.ok("table", "register", member=member, name=member.title())
        return self

    def view(self) -> dict[str, Any]:
        document = self.ledger.view()
        assert isinstance(document, dict)
        return document


STATUSES = {"active", "excommunicado", "presumed_dead", "deceased"}


def assert_books_balance(state: State) -> None:
    """The invariants of any world: COIN-3, COIN-2, escrow and bounties as the open contracts
    say, every balance an account's, every member in one of the four statuses."""
    assert state.supply == coins_accounted(state)  # COIN-3
    assert min([*state.balances.values(), state.escrow]) >= 0  # COIN-2
    assert set(state.balances) <= {"table", *state.members, *state.hotels}
    open_contracts = [c for c in state.contracts.values() if c.state == "open"]
    assert all(contract.bounty > 0 for contract in open_contracts)
    assert state.escrow == sum(contract.bounty for contract in open_contracts)
    targets: dict[str, list[str]] = {}
    for contract_id, contract in state.contracts.items():
        if contract.state == "open":
            targets.setdefault(contract.target, []).append(contract_id)
    assert targets == {m: list(ids) for m, ids in state.contracts_on.items()}  # bounties (§5)
    assert {member.status for member in state.members.values()} <= STATUSES


Step = tuple[str, dict[str, Any], int, str | None]  # actor, command, minutes after, cid


def play_steps(steps: list[Step]) -> Ledger:
    """A world with the strategies' cast, driven by steps; after each, decide changed nothing
    and the books balance."""
    ledger = Ledger.create("prop", "2019-05-17T17:00:00Z")
    assert isinstance(ledger, Ledger)
    at = ledger.state.clock
    for actor, fields in SETUP:
        assert isinstance(ledger.execute({"by": actor, "at": at, **fields}), Accepted)
    for actor, fields, minutes, cid in steps:
        at = add_minutes(at, minutes)
        raw = {"by": actor, "at": at, **fields} | ({"cid": cid} if cid else {})
        before = msgspec.json.encode(ledger.state)
        outcome = handle(ledger.state, raw)
        # decide never mutates: accepted or refused, the state is as it was.
        assert before == msgspec.json.encode(ledger.state)
        if isinstance(outcome, Accepted):
            ledger.append(outcome.events)
        else:
            assert outcome is not None
        assert_books_balance(ledger.state)
    return ledger


def assert_indexes_hold(state: State) -> None:
    """The indexes evolve keeps agree with the tables they index: accepted terms, live
    markers, and the deadlines still to fall (TIME-2)."""
    accepted: dict[str, set[str]] = {}
    for terms_id, terms in state.terms.items():
        if terms.state == "accepted":
            accepted.setdefault(terms.to, set()).add(terms_id)
    assert accepted == {m: set(ids) for m, ids in state.accepted.items()}
    live: dict[str, set[str]] = {}
    for marker_id, marker in state.markers.items():
        if marker.state in ("sworn", "invoked"):
            for party in (marker.debtor, marker.holder):
                live.setdefault(party, set()).add(marker_id)
    assert live == {m: set(ids) for m, ids in state.live_markers.items()}
    pending = {
        f"terms:{terms_id}": terms.deadline
        for terms_id, terms in state.terms.items()
        if terms.deadline is not None and terms.state in ("offered", "accepted")
    } | {
        f"excommunicado:{member_id}": member.excommunicado_from
        for member_id, member in state.members.items()
        if member.excommunicado_from is not None and not member.excommunicado
    }
    assert pending == state.deadlines
    assert min(state.deadlines.values(), default=None) == state.first_deadline
