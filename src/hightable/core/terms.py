"""Chapter 8: terms — pardons, tickets, bargains (TERMS-1..4), their grants and requirements.

A grant is written `lift_excommunicado`, `{admit: F}`, `{cancel_contracts_on: M}`,
`{restore_manager: {hotel: H, member: M}}` or `{consecrate: H}`; a requirement `{eliminate: M}`,
`swear_fealty` or `{pay: N}`. Duels (§9) grant through the same `grant_events`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, Any, Literal

from msgspec import Meta

from hightable.core.authority import any_member, holds_office
from hightable.core.coins import CoinsTransferred, check_positive
from hightable.core.commands import MAX_AMOUNT, Command, Id, InstantText, command
from hightable.core.contracts import ContractCancelled
from hightable.core.elimination import MemberEliminated
from hightable.core.engine import KINDS, Draft, applies, follow_up, on_deadline
from hightable.core.events import BreachRecorded, Event, event_type, sorted_keys
from hightable.core.families import MemberAdmitted, MemberExiled, check_unattached
from hightable.core.hotels import (
    HotelConsecrated,
    HotelDeconsecrated,
    ManagerAppointed,
    ManagerRelieved,
)
from hightable.core.rules import Refusal, refuse
from hightable.core.state import State, Terms, update

KINDS["terms"] = lambda state: state.terms

Make = Callable[..., Event]  # builds one event: draft.event, or one stamped at a deadline
Written = Annotated[list[Any], Meta(max_length=16)]
GRANTS = {"admit": "family", "cancel_contracts_on": "member", "consecrate": "hotel"}
REQUIREMENTS = {"eliminate": "member", "pay": "amount"}


# -- Reading grants and requirements ---------------------------------------------------------


def read_grant(written: Any) -> tuple[Any, ...] | str:
    """A grant as a tuple (kind, *ids), or a CMD-1 problem."""
    if written == "lift_excommunicado":
        return ("lift_excommunicado",)
    if isinstance(written, dict) and len(written) == 1:
        ((kind, value),) = written.items()
        if kind in GRANTS and isinstance(value, str):
            return (kind, value)
        if (
            kind == "restore_manager"
            and isinstance(value, dict)
            and set(value) == {"hotel", "member"}
        ):
            if all(isinstance(item, str) for item in value.values()):
                return (kind, value["hotel"], value["member"])
    return (
        f"{str(written)[:80]!r} is no grant (lift_excommunicado, {{admit: F}}, "
        "{cancel_contracts_on: M}, {restore_manager: {hotel: H, member: M}}, {consecrate: H})"
    )


def read_requirement(written: Any) -> tuple[Any, ...] | str:
    """A requirement as a tuple (kind, value), or a CMD-1 problem."""
    if written == "swear_fealty":
        return ("swear_fealty",)
    if isinstance(written, dict) and len(written) == 1:
        ((kind, value),) = written.items()
        if kind == "eliminate" and isinstance(value, str):
            return (kind, value)
        if kind == "pay" and type(value) is int and value <= MAX_AMOUNT:
            return (kind, value)
    return f"{str(written)[:80]!r} is no requirement ({{eliminate: M}}, swear_fealty, {{pay: N}})"


def grants_of(written: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Grants already checked at the edge (CMD-1), as tuples."""
    return [_checked(read_grant(item)) for item in written]


def requirements_of(written: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Requirements already checked at the edge (CMD-1), as tuples."""
    return [_checked(read_requirement(item)) for item in written]


def _checked(parsed: tuple[Any, ...] | str) -> tuple[Any, ...]:
    if isinstance(parsed, str):
        raise ValueError(f"unchecked grant or requirement: {parsed}")
    return parsed


def read_all(written: list[Any], read: Any, name: str) -> list[tuple[Any, ...]] | str:
    items = []
    for index, item in enumerate(written):
        parsed = read(item)
        if isinstance(parsed, str):
            return f"{name}[{index}]: {parsed}"
        items.append(parsed)
    return items


def grant_refs(name: str, grants: list[Any]) -> Iterator[tuple[str, str, str]]:
    """(path, kind, id) of every object the grants name: for ID-1 and ID-3."""
    for index, written in enumerate(grants):
        grant = read_grant(written)
        if isinstance(grant, str) or grant[0] == "lift_excommunicado":
            continue
        if grant[0] == "restore_manager":
            yield f"{name}[{index}].hotel", "hotel", grant[1]
            yield f"{name}[{index}].member", "member", grant[2]
        else:
            yield f"{name}[{index}]", GRANTS[grant[0]], grant[1]


# -- Events and commands ---------------------------------------------------------------------


@event_type
class TermsOffered(Event, tag="terms_offered"):
    terms: str
    to: str
    grants: list[Any]
    requires: list[Any]
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


@event_type
class ExcommunicadoLifted(Event, tag="excommunicado_lifted"):
    member: str
    terms: str | None = None
    duel: str | None = None


@event_type
class ExcommunicadoRestored(Event, tag="excommunicado_restored"):
    """TERMS-3: the lift is revoked; the excommunicado is in effect at once."""

    member: str
    terms: str


class OfferTerms(Command, tag="offer_terms"):
    terms: Id
    to: Id
    grants: Written
    requires: Written
    grant_on: Literal["accept", "fulfil"]
    deadline: InstantText | None = None


class AcceptTerms(Command, tag="accept_terms"):
    terms: Id


class RenounceTerms(Command, tag="renounce_terms"):
    terms: Id


class SwearFealty(Command, tag="swear_fealty"):
    pass


def offer_is_well_formed(cmd: OfferTerms) -> str | None:
    for problem in (
        read_all(cmd.grants, read_grant, "grants"),
        read_all(cmd.requires, read_requirement, "requires"),
    ):
        if isinstance(problem, str):
            return problem
    return None


def offer_refs(cmd: OfferTerms) -> Iterator[tuple[str, str, str]]:
    yield from grant_refs("grants", cmd.grants)
    for index, written in enumerate(cmd.requires):
        requirement = read_requirement(written)
        if not isinstance(requirement, str) and requirement[0] == "eliminate":
            yield f"requires[{index}]", "member", requirement[1]


def authorize_offer(state: State, cmd: Any) -> Refusal | None:
    """The Table's officers offer any terms; a family head offers only `admit` to their family."""
    if holds_office(state, cmd.by, "elder", "adjudicator", "seat"):
        return None
    headed = [family_id for family_id, family in state.families.items() if family.head == cmd.by]
    if not headed:
        return refuse("ROLE-1", f"{cmd.by} holds no office and heads no family: cannot offer terms")
    for grant in grants_of(cmd.grants):
        if grant[0] != "admit" or grant[1] not in headed:
            shown = grant[0] if len(grant) == 1 else f"{grant[0]} {grant[1]}"
            return refuse(
                "ROLE-1", f"{cmd.by}, head of {headed[0]}, may grant only admit to it, not {shown}"
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
        if requirement[0] == "pay":
            refusal = check_positive(requirement[1], "requires: pay")
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
            grants=cmd.grants,
            requires=cmd.requires,
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
        return refuse("TERMS-1", f"{cmd.terms} are {terms.state}; terms are accepted once")
    for grant in grants_of(terms.grants):
        if grant[0] == "admit":
            refusal = check_unattached(state, terms.to, allowed=grant[1])
            if refusal:
                return refusal
    events = [draft.event(TermsAccepted, terms=cmd.terms)]
    if terms.grant_on == "accept":
        events += grant_events(state, terms.to, terms.grants, draft, terms=cmd.terms)
    if not terms.requires:
        events += fulfilment(state, cmd.terms, terms, draft)
    return events


@command(RenounceTerms, authority=any_member, refs={"terms": "terms"})
def decide_renounce_terms(state: State, cmd: RenounceTerms, draft: Draft) -> list[Event] | Refusal:
    terms = state.terms[cmd.terms]
    if cmd.by != terms.to:  # TERMS-1
        return refuse("TERMS-1", f"{cmd.terms} were offered to {terms.to}, not {cmd.by}")
    if terms.state not in ("offered", "accepted"):  # TERMS-1
        return refuse("TERMS-1", f"{cmd.terms} are {terms.state}; nothing is left to renounce")
    events = [draft.event(TermsRenounced, terms=cmd.terms)]
    if terms.state == "accepted":  # TERMS-3: a breach, and what was granted is revoked
        events += revocation(state, cmd.terms, terms, draft.event)
    return events


@command(SwearFealty, authority=any_member)
def decide_swear_fealty(state: State, cmd: SwearFealty, draft: Draft) -> list[Event]:
    return [draft.event(FealtySworn, member=cmd.by)]


# -- Grants, fulfilment and revocation -------------------------------------------------------


def grant_events(
    state: State,
    member_id: str,
    grants: list[Any] | tuple[Any, ...],
    draft: Draft,
    terms: str | None = None,
    duel: str | None = None,
) -> list[Event]:
    """The events that carry out grants for a member; a grant with nothing to change adds none."""
    events: list[Event] = []
    member = state.members[member_id]
    for grant in grants_of(grants):
        kind = grant[0]
        if kind == "lift_excommunicado" and member.excommunicado_from is not None:
            events.append(
                draft.event(ExcommunicadoLifted, member=member_id, terms=terms, duel=duel)
            )
        elif kind == "admit" and member.family is None and member.recruit_of is None:
            events.append(
                draft.event(MemberAdmitted, family=grant[1], member=member_id, terms=terms)
            )
        elif kind == "cancel_contracts_on":
            events += [
                draft.event(ContractCancelled, contract=contract_id, bounty=contract.bounty)
                for contract_id, contract in state.contracts.items()
                if contract.target == grant[1] and contract.state == "open"
            ]
        elif kind == "restore_manager" and state.hotels[grant[1]].manager != grant[2]:
            if not state.members[grant[2]].deceased:
                events.append(draft.event(ManagerAppointed, hotel=grant[1], member=grant[2]))
        elif kind == "consecrate" and not state.hotels[grant[1]].consecrated:
            events.append(draft.event(HotelConsecrated, hotel=grant[1]))
    return events


def fulfilment(state: State, terms_id: str, terms: Terms, draft: Draft) -> list[Event]:
    """TERMS-2: fulfilled once every requirement is met; grants follow if granted on fulfil."""
    events = [draft.event(TermsFulfilled, terms=terms_id)]
    if terms.grant_on == "fulfil":
        events += grant_events(state, terms.to, terms.grants, draft, terms=terms_id)
    return events


def revocation(state: State, terms_id: str, terms: Terms, make: Make) -> list[Event]:
    """TERMS-3: undo what the terms granted, and record the recipient's breach.

    Only what was granted is undone (with `grant_on: fulfil`, nothing was yet). Cancelled
    contracts stay cancelled: their escrow went back to its funders.
    """
    events: list[Event] = []
    for grant in grants_of(terms.grants) if terms.grant_on == "accept" else ():
        kind = grant[0]
        if kind == "lift_excommunicado" and terms.lifted:
            events.append(make(ExcommunicadoRestored, member=terms.to, terms=terms_id))
        elif kind == "admit" and state.members[terms.to].family == grant[1]:
            if state.families[grant[1]].head != terms.to:
                events.append(make(MemberExiled, family=grant[1], member=terms.to, terms=terms_id))
        elif kind == "restore_manager" and state.hotels[grant[1]].manager == grant[2]:
            events.append(make(ManagerRelieved, hotel=grant[1], member=grant[2]))
        elif kind == "consecrate" and state.hotels[grant[1]].consecrated:
            events.append(make(HotelDeconsecrated, hotel=grant[1]))
    events.append(make(BreachRecorded, member=terms.to, rule="TERMS-3"))
    return events


def requirement_met(requirement: tuple[Any, ...], terms: Terms, event: Event) -> bool:
    """Whether an event of the recipient's meets a requirement (§8)."""
    kind = requirement[0]
    if kind == "eliminate":
        return (
            isinstance(event, MemberEliminated)
            and event.confirmed
            and event.target == requirement[1]
        )
    if kind == "swear_fealty":
        return isinstance(event, FealtySworn)
    return (
        isinstance(event, CoinsTransferred)
        and event.to == terms.offerer
        and event.amount >= requirement[1]
    )


MEETING_EVENTS = (MemberEliminated, FealtySworn, CoinsTransferred)


@follow_up
def requirements_met_by(state: State, events: list[Event], draft: Draft) -> list[Event]:
    """TERMS-2: what the recipient did after accepting may meet requirements, then fulfil."""
    consequences: list[Event] = []
    for event in events:
        if not isinstance(event, MEETING_EVENTS):
            continue
        for terms_id, terms in state.terms.items():
            if terms.state != "accepted" or terms.to != event.by:
                continue
            met = list(terms.met)
            for index, requirement in enumerate(requirements_of(terms.requires)):
                if not met[index] and requirement_met(requirement, terms, event):
                    met[index] = True
                    consequences.append(draft.event(RequirementMet, terms=terms_id, index=index))
            if met != list(terms.met) and all(met):
                consequences += fulfilment(state, terms_id, terms, draft)
    return consequences


@on_deadline("terms")
def terms_run_out(state: State, terms_id: str, instant: str, draft: Draft) -> list[Event]:
    """TIME-2: unfulfilled terms expire at their deadline; accepted ones are revoked (TERMS-3)."""
    terms = state.terms[terms_id]

    def at_deadline(cls: type[Event], **fields: Any) -> Event:
        return draft.deadline_event(cls, at=instant, **fields)

    events = [at_deadline(TermsExpired, terms=terms_id)]
    if terms.state == "accepted":
        events += revocation(state, terms_id, terms, at_deadline)
    return events


# -- Evolve ----------------------------------------------------------------------------------


def _close(state: State, terms_id: str, new_state: str) -> None:
    update(state.terms, terms_id, state=new_state)
    state.deadlines.pop(f"terms:{terms_id}", None)


@applies(TermsOffered)
def apply_terms_offered(state: State, event: TermsOffered) -> None:
    state.terms[event.terms] = Terms(
        offerer=event.by,
        to=event.to,
        grants=tuple(sorted_keys(event.grants)),
        requires=tuple(sorted_keys(event.requires)),
        grant_on=event.grant_on,
        deadline=event.deadline,
        met=(False,) * len(event.requires),
    )
    if event.deadline is not None:
        state.deadlines[f"terms:{event.terms}"] = event.deadline


@applies(TermsAccepted)
def apply_terms_accepted(state: State, event: TermsAccepted) -> None:
    update(state.terms, event.terms, state="accepted")


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


@applies(ExcommunicadoLifted)
def apply_excommunicado_lifted(state: State, event: ExcommunicadoLifted) -> None:
    update(state.members, event.member, excommunicado=False, excommunicado_from=None)
    state.deadlines.pop(f"excommunicado:{event.member}", None)
    if event.terms is not None:
        update(state.terms, event.terms, lifted=True)


@applies(ExcommunicadoRestored)
def apply_excommunicado_restored(state: State, event: ExcommunicadoRestored) -> None:
    update(state.members, event.member, excommunicado=True, excommunicado_from=event.at)
