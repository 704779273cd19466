"""Chapter 3: gold coins (COIN-1, COIN-2, COIN-3: `mint`, `transfer`)."""

from __future__ import annotations

from hightable.core.authority import any_member, the_table
from hightable.core.breaches import BreachRecorded
from hightable.core.commands import Amount, Command, Id, command
from hightable.core.engine import Draft, applies
from hightable.core.events import Event, event_type
from hightable.core.excommunicado import aiding_is_breach
from hightable.core.rules import Refusal, refuse
from hightable.core.state import State, balance_of, move_balance


@event_type
class CoinsMinted(Event, tag="coins_minted"):
    to: str
    amount: int


@event_type
class CoinsTransferred(Event, tag="coins_transferred"):
    to: str
    amount: int


class Mint(Command, tag="mint"):
    to: Id
    amount: Amount


class Transfer(Command, tag="transfer"):
    to: Id
    amount: Amount


def check_positive(amount: int, field: str) -> Refusal | None:
    """COIN-1: amounts are positive integers (a non-integer is CMD-1, caught at parsing)."""
    if amount <= 0:
        return refuse("COIN-1", f"{field}: {amount} is not a positive number of coins")
    return None


def check_covered(state: State, account: str, amount: int, purpose: str) -> Refusal | None:
    """COIN-2: no balance goes below zero."""
    held = balance_of(state, account)
    if held < amount:
        return refuse("COIN-2", f"{account} holds {held} coins; the {purpose} needs {amount}")
    return None


@command(Mint, authority=the_table, refs={"to": "account"}, parties=("to",))
def decide_mint(state: State, cmd: Mint, draft: Draft) -> list[Event] | Refusal:
    # COIN-3: only the table mints (the authority `the_table` above, refused with ROLE-1, §13).
    return check_positive(cmd.amount, "amount") or [
        draft.event(CoinsMinted, to=cmd.to, amount=cmd.amount)
    ]


@command(Transfer, authority=any_member, refs={"to": "account"}, parties=("to",))
def decide_transfer(state: State, cmd: Transfer, draft: Draft) -> list[Event] | Refusal:
    refusal = check_positive(cmd.amount, "amount") or check_covered(
        state, cmd.by, cmd.amount, "transfer"
    )
    if refusal:
        return refusal
    events = [draft.event(CoinsTransferred, to=cmd.to, amount=cmd.amount)]
    if aiding_is_breach(state, cmd.by, cmd.to):  # EXCOM-3: coins to the cast out
        events.append(draft.event(BreachRecorded, member=cmd.by, rule="EXCOM-3"))
    return events


@applies(CoinsMinted)
def apply_coins_minted(state: State, event: CoinsMinted) -> None:
    state.supply += event.amount
    move_balance(state, event.to, event.amount)


@applies(CoinsTransferred)
def apply_coins_transferred(state: State, event: CoinsTransferred) -> None:
    move_balance(state, event.by, -event.amount)
    move_balance(state, event.to, event.amount)
