"""Chapter 5: contracts, escrow and bounty (CONTRACT-1..9)."""

from __future__ import annotations

from typing import Any, Literal

from hightable.core.authority import any_member, holds_office
from hightable.core.coins import check_covered, check_positive
from hightable.core.commands import Amount, Command, Id, command
from hightable.core.engine import KINDS, Draft, applies
from hightable.core.events import Event, event_type
from hightable.core.excommunicado import in_effect
from hightable.core.rules import Refusal, refuse
from hightable.core.state import (
    TABLE,
    Contract,
    State,
    index_add,
    index_remove,
    move_balance,
    update,
)

KINDS["contract"] = lambda state: state.contracts


@event_type
class ContractPosted(Event, tag="contract_posted"):
    contract: str
    target: str
    bounty: int
    open: bool
    funded_by: str
    contractor: str | None = None


@event_type
class BountyRaised(Event, tag="bounty_raised"):
    contract: str
    amount: int


@event_type
class ContractClaimed(Event, tag="contract_claimed"):
    contract: str
    bounty: int


@event_type
class ContractCancelled(Event, tag="contract_cancelled"):
    contract: str
    bounty: int


class PostContract(Command, tag="post_contract"):
    contract: Id
    target: Id
    bounty: Amount
    open: bool = True
    contractor: Id | None = None
    funded_by: Literal["table"] | None = None


class RaiseBounty(Command, tag="raise_bounty"):
    contract: Id
    amount: Amount


class ClaimContract(Command, tag="claim_contract"):
    contract: Id


class CancelContract(Command, tag="cancel_contract"):
    contract: Id


def contractor_matches_open(cmd: PostContract) -> str | None:
    """CMD-1: an open contract names no contractor; a closed one names exactly one."""
    if not cmd.open and cmd.contractor is None:
        return "contractor: missing; a contract that is not open names its contractor"
    if cmd.open and cmd.contractor is not None:
        return "contractor: only a contract with open: false names a contractor"
    return None


def authorize_post(state: State, cmd: Any) -> Refusal | None:
    """A member posts for themselves; only a seat holder draws on the treasury."""
    if cmd.by == TABLE:
        return refuse("ROLE-1", "post_contract is a member's act; the table funds through a seat")
    if cmd.funded_by == TABLE and not holds_office(state, cmd.by, "seat"):
        return refuse(
            "ROLE-1",
            f"only a seat holder funds a contract from the treasury; {cmd.by} holds no seat",
        )
    return None


@command(
    PostContract,
    authority=authorize_post,
    creates=("contract", "contract"),
    refs={"target": "member", "contractor": "member"},
    parties=("contractor",),  # a deceased target is CONTRACT-1's, the chapter's rule (§13)
    validate=contractor_matches_open,
)
def decide_post_contract(state: State, cmd: PostContract, draft: Draft) -> list[Event] | Refusal:
    refusal = check_positive(cmd.bounty, "bounty")
    if refusal:
        return refusal
    if cmd.target == cmd.by:  # CONTRACT-1
        return refuse("CONTRACT-1", f"{cmd.by} cannot put a contract on themselves")
    if state.members[cmd.target].deceased:  # CONTRACT-1: the target must be a living member
        return refuse("CONTRACT-1", f"{cmd.target} is deceased; a contract is on the living")
    if in_effect(state, cmd.by):  # CONTRACT-7
        return refuse("CONTRACT-7", f"{cmd.by} is excommunicado and cannot post a contract")
    funder = cmd.funded_by or cmd.by
    return check_covered(state, funder, cmd.bounty, "bounty") or [
        draft.event(
            ContractPosted,
            contract=cmd.contract,
            target=cmd.target,
            bounty=cmd.bounty,
            open=cmd.open,
            funded_by=funder,
            contractor=cmd.contractor,
        )
    ]


@command(RaiseBounty, authority=any_member, refs={"contract": "contract"})
def decide_raise_bounty(state: State, cmd: RaiseBounty, draft: Draft) -> list[Event] | Refusal:
    refusal = check_positive(cmd.amount, "amount")
    if refusal:
        return refusal
    contract = state.contracts[cmd.contract]
    by_table = contract.funded_by == TABLE and holds_office(state, cmd.by, "seat")
    if cmd.by != contract.client and not by_table:  # CONTRACT-2
        return refuse("CONTRACT-2", f"only {contract.client}, the client, may raise {cmd.contract}")
    if contract.state != "open":  # CONTRACT-8
        return refuse("CONTRACT-8", f"{cmd.contract} is {contract.state}; its bounty is closed")
    return check_covered(state, contract.funded_by, cmd.amount, "raise") or [
        draft.event(BountyRaised, contract=cmd.contract, amount=cmd.amount)
    ]


@command(ClaimContract, authority=any_member, refs={"contract": "contract"})
def decide_claim_contract(state: State, cmd: ClaimContract, draft: Draft) -> list[Event] | Refusal:
    contract = state.contracts[cmd.contract]
    if not contract.open and cmd.by != contract.contractor:  # CONTRACT-9
        return refuse(
            "CONTRACT-9", f"{cmd.contract} is for {contract.contractor} alone, not {cmd.by}"
        )
    if contract.state == "claimed":  # CONTRACT-3
        return refuse("CONTRACT-3", f"{cmd.contract} was paid to {contract.claimed_by} already")
    if contract.state != "open":  # CONTRACT-8
        return refuse("CONTRACT-8", f"{cmd.contract} is {contract.state}")
    death = state.members[contract.target].death
    if death is None or death.by != cmd.by or not death.confirmed:  # CONTRACT-4
        return refuse("CONTRACT-4", f"{cmd.by} has no confirmed elimination of {contract.target}")
    if death.consecrated:  # CONTRACT-6
        return refuse(
            "CONTRACT-6", f"{contract.target} fell on the consecrated ground of {death.hotel}"
        )
    if in_effect(state, cmd.by):  # CONTRACT-7
        return refuse("CONTRACT-7", f"{cmd.by} is excommunicado and cannot claim a contract")
    return [draft.event(ContractClaimed, contract=cmd.contract, bounty=contract.bounty)]


@command(CancelContract, authority=any_member, refs={"contract": "contract"})
def decide_cancel_contract(
    state: State, cmd: CancelContract, draft: Draft
) -> list[Event] | Refusal:
    contract = state.contracts[cmd.contract]
    if cmd.by != contract.client:  # CONTRACT-5
        return refuse(
            "CONTRACT-5", f"only {contract.client}, the client, may cancel {cmd.contract}"
        )
    if contract.state != "open":  # CONTRACT-5
        return refuse("CONTRACT-5", f"{cmd.contract} is {contract.state}, no longer open")
    return [draft.event(ContractCancelled, contract=cmd.contract, bounty=contract.bounty)]


@applies(ContractPosted)
def apply_contract_posted(state: State, event: ContractPosted) -> None:
    contract = Contract(
        client=event.by,
        target=event.target,
        bounty=event.bounty,
        open=event.open,
        funded_by=event.funded_by,
        contractor=event.contractor,
    )
    state.contracts[event.contract] = contract
    index_add(state.contracts_on, event.target, event.contract)
    move_balance(state, event.funded_by, -event.bounty)
    state.escrow += event.bounty


@applies(BountyRaised)
def apply_bounty_raised(state: State, event: BountyRaised) -> None:
    contract = state.contracts[event.contract]
    update(state.contracts, event.contract, bounty=contract.bounty + event.amount)
    move_balance(state, contract.funded_by, -event.amount)
    state.escrow += event.amount


@applies(ContractClaimed)
def apply_contract_claimed(state: State, event: ContractClaimed) -> None:
    contract = state.contracts[event.contract]
    update(state.contracts, event.contract, state="claimed", claimed_by=event.by)
    _close(state, event.contract, contract, event.bounty)
    move_balance(state, event.by, event.bounty)


@applies(ContractCancelled)
def apply_contract_cancelled(state: State, event: ContractCancelled) -> None:
    contract = state.contracts[event.contract]
    update(state.contracts, event.contract, state="cancelled")
    _close(state, event.contract, contract, event.bounty)
    move_balance(state, contract.funded_by, event.bounty)


def _close(state: State, contract_id: str, contract: Contract, bounty: int) -> None:
    """The escrow leaves, and the contract no longer counts in its target's bounty."""
    state.escrow -= bounty
    index_remove(state.contracts_on, contract.target, contract_id)
