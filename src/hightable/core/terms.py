"""Chapter 8: terms — pardons, tickets, bargains (TERMS-1..4): offered, met, granted, revoked.

How grants and requirements are written and carried out is in `grants.py`, shared with duels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Literal

from hightable.core.authority import any_member, holds_office
from hightable.core.breaches import BreachRecorded
from hightable.core.coins import CoinsTransferred, check_positive
from hightable.core.commands import Command, Id, InstantText, command
from hightable.core.elimination import MemberEliminated
from hightable.core.engine import KINDS, Draft, applies, follow_up, on_deadline
from hightable.core.events import Event, event_type, sorted_keys
from hightable.core.excommunicado import ExcommunicadoRestored
from hightable.core.families import MemberExiled, check_unattached
from hightable.core.grants import (
    Admit,
    Consecrate,
    Grants,
    LiftExcommunicado,
    MustEliminate,
    MustPay,
    MustSwearFealty,
    Requirement,
    Requirements,
    RestoreManager,
    described,
    first_problem,
    grant_events,
    grant_refs,
    grants_of,
    read_grant,
    read_requirement,
    requirement_refs,
    requirements_of,
)
from hightable.core.hotels import (
    HotelDeconsecrated,
    ManagerRelieved,
)
from hightable.core.rules import Refusal, refuse
from hightable.core.state import (
    Hotel,
    State,
    Terms,
    clear_deadline,
    index_add,
    index_remove,
    set_deadline,
    update,
)

KINDS["terms"] = lambda state: state.terms

Make = Callable[..., Event]  # builds one event: draft.event, or one stamped at a deadline


# -- Events and commands ---------------------------------------------------------------------


@event_type
class TermsOffered(Event, tag="terms_offered"):
    terms: str
    to: str
    grants: list[object]
    requires: list[object]
    grant_on: str
    deadline: str | None = None


@event_type
class TermsAccepted(Event, tag="terms_accepted"):
    terms: str


@event_type
class RequirementMet(Event, tag="requirement_met"):
    terms: str
    index: int


@event_type
class TermsFulfilled(Event, tag="terms_fulfilled"):
    terms: str


@event_type
class TermsRenounced(Event, tag="terms_renounced"):
    terms: str


@event_type
class TermsExpired(Event, tag="terms_expired"):
    terms: str


@event_type
class FealtySworn(Event, tag="fealty_sworn"):
    member: str


class OfferTerms(Command, tag="offer_terms"):
    terms: Id
    to: Id
    grants: Grants
    requires: Requirements
    grant_on: Literal["accept", "fulfil"]
    deadline: InstantText | None = None


class AcceptTerms(Command, tag="accept_terms"):
    terms: Id


class RenounceTerms(Command, tag="renounce_terms"):
    terms: Id


class SwearFealty(Command, tag="swear_fealty"):
    pass


def offer_is_well_formed(cmd: OfferTerms) -> str | None:
    return first_problem(cmd.grants, read_grant, "grants") or first_problem(
        cmd.requires, read_requirement, "requires"
    )


def offer_refs(cmd: OfferTerms) -> Iterator[tuple[str, str, str]]:
    yield from grant_refs("grants", cmd.grants)
    yield from requirement_refs("requires", cmd.requires)


def authorize_offer(state: State, cmd: OfferTerms) -> Refusal | None:
    """The Table's officers offer any terms; a family head offers only `admit` to their family."""
    if holds_office(state, cmd.by, "elder", "adjudicator", "seat"):
        return None
    headed = [family_id for family_id, family in state.families.items() if family.head == cmd.by]
    if not headed:
        return refuse("ROLE-1", f"{cmd.by} holds no office and heads no family: cannot offer terms")
    for grant in grants_of(cmd.grants):
        if not isinstance(grant, Admit) or grant.family not in headed:
            granted = described(grant)
            return refuse(
                "ROLE-1",
                f"{cmd.by}, head of {headed[0]}, may grant only admit to it, not {granted}",
            )
    return None


@command(
    OfferTerms,
    authority=authorize_offer,
    creates=("terms", "terms"),
    refs={"to": "member"},
    parties=("to",),
    instants=("deadline",),
    nested=offer_refs,
    validate=offer_is_well_formed,
)
def decide_offer_terms(state: State, cmd: OfferTerms, draft: Draft) -> list[Event] | Refusal:
    for requirement in requirements_of(cmd.requires):
        if isinstance(requirement, MustPay):
            refusal = check_positive(requirement.amount, "requires: pay")
            if refusal:
                return refusal
    if cmd.to == cmd.by:  # TERMS-4
        return refuse("TERMS-4", f"{cmd.by} cannot offer terms to themselves")
    if cmd.deadline is not None and cmd.deadline <= cmd.at:  # TERMS-4
        return refuse("TERMS-4", f"the deadline {cmd.deadline} is not after the offer, {cmd.at}")
    return [
        draft.event(
            TermsOffered,
            terms=cmd.terms,
            to=cmd.to,
            # Keys sorted as the log's canonical JSON has them, so that the live event and
            # state are those a replay rebuilds.
            grants=sorted_keys(cmd.grants),
            requires=sorted_keys(cmd.requires),
            grant_on=cmd.grant_on,
            deadline=cmd.deadline,
        )
    ]


@command(AcceptTerms, authority=any_member, refs={"terms": "terms"})
def decide_accept_terms(state: State, cmd: AcceptTerms, draft: Draft) -> list[Event] | Refusal:
    terms = state.terms[cmd.terms]
    if cmd.by != terms.to:  # TERMS-1
        return refuse("TERMS-1", f"{cmd.terms} were offered to {terms.to}, not {cmd.by}")
    if terms.state != "offered":  # TERMS-1
        return refuse("TERMS-1", not_acceptable(cmd, terms))
    for grant in grants_of(terms.grants):
        if isinstance(grant, Admit):
            refusal = check_unattached(state, terms.to, allowed=grant.family)
            if refusal:
                return refusal
    events = [draft.event(TermsAccepted, terms=cmd.terms)]
    if terms.grant_on == "accept":
        events += grant_events(draft, terms.to, grants_of(terms.grants), terms=cmd.terms)
    if not terms.requires:
        events += fulfilment(draft, cmd.terms, terms)
    return events


def not_acceptable(cmd: AcceptTerms, terms: Terms) -> str:
    """Why terms no longer offered cannot be accepted: the fact, not a guess."""
    if terms.state == "expired":
        return (
            f"{cmd.terms} expired at {terms.deadline}: terms past their deadline cannot be accepted"
        )
    if terms.state == "renounced":
        return f"{cmd.terms} were renounced: renounced terms are not accepted"
    return f"{cmd.terms} were accepted already ({terms.state}): terms are accepted once"


@command(RenounceTerms, authority=any_member, refs={"terms": "terms"})
def decide_renounce_terms(state: State, cmd: RenounceTerms, draft: Draft) -> list[Event] | Refusal:
    terms = state.terms[cmd.terms]
    if cmd.by != terms.to:  # TERMS-1
        return refuse("TERMS-1", f"{cmd.terms} were offered to {terms.to}, not {cmd.by}")
    if terms.state not in ("offered", "accepted"):  # TERMS-1
        return refuse("TERMS-1", f"{cmd.terms} are {terms.state}; nothing is left to renounce")
    events = [draft.event(TermsRenounced, terms=cmd.terms)]
    if terms.state == "accepted":  # TERMS-3: a breach, and what was granted is revoked
        events += revocation(draft, cmd.terms, terms, draft.event)
    return events


@command(SwearFealty, authority=any_member)
def decide_swear_fealty(state: State, cmd: SwearFealty, draft: Draft) -> list[Event]:
    return [draft.event(FealtySworn, member=cmd.by)]


# -- Grants, fulfilment and revocation -------------------------------------------------------


def fulfilment(draft: Draft, terms_id: str, terms: Terms) -> list[Event]:
    """TERMS-2: fulfilled once every requirement is met; grants follow if granted on fulfil."""
    events = [draft.event(TermsFulfilled, terms=terms_id)]
    if terms.grant_on == "fulfil":
        events += grant_events(draft, terms.to, grants_of(terms.grants), terms=terms_id)
    return events


def revocation(draft: Draft, terms_id: str, terms: Terms, make: Make) -> list[Event]:
    """TERMS-3: undo what the terms' grants changed, where it still holds, and record the
    recipient's breach.

    The member and the hotel record which terms' grant made them so (`admitted_by_terms`, ...),
    and any later change clears it: a grant that changed nothing (the hotel was consecrated
    already), and a change someone made since (a new decree, a new manager), are not undone.
    With `grant_on: fulfil` nothing was granted yet. Cancelled contracts stay cancelled: their
    escrow went back to its funders.
    """
    events: list[Event] = []
    for grant in grants_of(terms.grants):
        state = draft.now()  # as the revocations before it left it
        member = state.members[terms.to]
        match grant:
            case LiftExcommunicado() if member.lifted_by_terms == terms_id:
                events.append(make(ExcommunicadoRestored, member=terms.to, terms=terms_id))
            case Admit(family) if member.admitted_by_terms == terms_id:
                events.append(make(MemberExiled, family=family, member=terms.to, terms=terms_id))
            case RestoreManager(hotel, manager) if restored_by(
                state.hotels[hotel], terms_id, manager
            ):
                events.append(make(ManagerRelieved, hotel=hotel, member=manager, terms=terms_id))
            case Consecrate(hotel) if state.hotels[hotel].consecrated_by_terms == terms_id:
                events.append(make(HotelDeconsecrated, hotel=hotel, terms=terms_id))
    events.append(make(BreachRecorded, member=terms.to, rule="TERMS-3"))
    return events


def restored_by(hotel: Hotel, terms_id: str, manager: str) -> bool:
    """TERMS-3: these terms made `manager` the manager, and they still are (two grants may
    name the same hotel: only the one that holds is undone)."""
    return bool(hotel.manager_by_terms == terms_id and hotel.manager == manager)


def requirement_met(requirement: Requirement, terms: Terms, event: Event) -> bool:
    """Whether an event of the recipient's meets a requirement (§8)."""
    match requirement:
        case MustEliminate(target):
            return (
                isinstance(event, MemberEliminated) and event.confirmed and event.target == target
            )
        case MustSwearFealty():
            return isinstance(event, FealtySworn)
        case MustPay(amount):
            return (
                isinstance(event, CoinsTransferred)
                and event.to == terms.offerer
                and event.amount >= amount
            )


MEETING_EVENTS = (MemberEliminated, FealtySworn, CoinsTransferred)


@follow_up
def requirements_met_by(state: State, events: list[Event], draft: Draft) -> list[Event]:
    """TERMS-2: what the recipient did after accepting may meet requirements, then fulfil.

    Each of the recipient's terms is judged on `draft.now()`: the grants of terms fulfilled
    before it in this command have been carried out.
    """
    consequences: list[Event] = []
    for event in events:
        # Most acts meet nothing: they are told apart on the state before the command, which
        # is enough (requirements are only ever met, terms only ever closed), and cost no
        # working state.
        if isinstance(event, MEETING_EVENTS) and might_meet(state, event):
            for terms_id in draft.now().accepted.get(event.by, ()):
                consequences += requirements_met(draft, terms_id, event)
    return consequences


def might_meet(state: State, event: Event) -> bool:
    """Whether the event meets a requirement not yet met of terms its actor has accepted."""
    for terms_id in state.accepted.get(event.by, ()):
        terms = state.terms[terms_id]
        for met, requirement in zip(terms.met, requirements_of(terms.requires), strict=True):
            if not met and requirement_met(requirement, terms, event):
                return True
    return False


def requirements_met(draft: Draft, terms_id: str, event: Event) -> list[Event]:
    """TERMS-2: the requirements of one terms this event meets, and their fulfilment."""
    terms = draft.now().terms[terms_id]
    if terms.state != "accepted":
        return []
    events: list[Event] = []
    met = list(terms.met)
    for index, requirement in enumerate(requirements_of(terms.requires)):
        if not met[index] and requirement_met(requirement, terms, event):
            met[index] = True
            events.append(draft.event(RequirementMet, terms=terms_id, index=index))
    if met != list(terms.met) and all(met):
        events += fulfilment(draft, terms_id, terms)
    return events


@on_deadline("terms")
def terms_run_out(state: State, terms_id: str, instant: str, draft: Draft) -> list[Event]:
    """TIME-2: unfulfilled terms expire at their deadline; accepted ones are revoked (TERMS-3)."""
    terms = state.terms[terms_id]

    def at_deadline(cls: type[Event], **fields: object) -> Event:
        return draft.deadline_event(cls, at=instant, **fields)

    events = [at_deadline(TermsExpired, terms=terms_id)]
    if terms.state == "accepted":
        events += revocation(draft, terms_id, terms, at_deadline)
    return events


# -- Evolve ----------------------------------------------------------------------------------


def _close(state: State, terms_id: str, new_state: str) -> None:
    update(state.terms, terms_id, state=new_state)
    clear_deadline(state, f"terms:{terms_id}")
    index_remove(state.accepted, state.terms[terms_id].to, terms_id)


@applies(TermsOffered)
def apply_terms_offered(state: State, event: TermsOffered) -> None:
    state.terms[event.terms] = Terms(
        offerer=event.by,
        to=event.to,
        grants=tuple(event.grants),
        requires=tuple(event.requires),
        grant_on=event.grant_on,
        deadline=event.deadline,
        met=(False,) * len(event.requires),
    )
    if event.deadline is not None:
        set_deadline(state, f"terms:{event.terms}", event.deadline)


@applies(TermsAccepted)
def apply_terms_accepted(state: State, event: TermsAccepted) -> None:
    update(state.terms, event.terms, state="accepted")
    index_add(state.accepted, state.terms[event.terms].to, event.terms)


@applies(RequirementMet)
def apply_requirement_met(state: State, event: RequirementMet) -> None:
    met = list(state.terms[event.terms].met)
    met[event.index] = True
    update(state.terms, event.terms, met=tuple(met))


@applies(TermsFulfilled)
def apply_terms_fulfilled(state: State, event: TermsFulfilled) -> None:
    _close(state, event.terms, "fulfilled")


@applies(TermsRenounced)
def apply_terms_renounced(state: State, event: TermsRenounced) -> None:
    _close(state, event.terms, "renounced")


@applies(TermsExpired)
def apply_terms_expired(state: State, event: TermsExpired) -> None:
    _close(state, event.terms, "expired")


@applies(FealtySworn)
def apply_fealty_sworn(state: State, event: FealtySworn) -> None:
    update(state.members, event.member, in_service=True)
