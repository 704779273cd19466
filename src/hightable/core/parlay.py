"""Chapter 10, first half: parlay with an adjudicator (PARLAY-1..3)."""

from __future__ import annotations

import msgspec

from hightable.core.authority import any_member, offices
from hightable.core.commands import Command, Id, command
from hightable.core.elimination import Eliminate
from hightable.core.engine import KINDS, Draft, applies, guard
from hightable.core.events import Event, event_type
from hightable.core.rules import Refusal, refuse
from hightable.core.state import Parlay, State, update

KINDS["parlay"] = lambda state: state.parlays


@event_type
class ParlayRequested(Event, tag="parlay_requested"):
    parlay: str
    adjudicator: str


@event_type
class ParlayGranted(Event, tag="parlay_granted"):
    parlay: str


@event_type
class ParlayDenied(Event, tag="parlay_denied"):
    parlay: str


@event_type
class ParlayConcluded(Event, tag="parlay_concluded"):
    parlay: str
    terms: str | None = None


class RequestParlay(Command, tag="request_parlay"):
    parlay: Id
    with_: Id = msgspec.field(name="with")


class GrantParlay(Command, tag="grant_parlay"):
    parlay: Id


class DenyParlay(Command, tag="deny_parlay"):
    parlay: Id


class ConcludeParlay(Command, tag="conclude_parlay"):
    parlay: Id
    terms: Id | None = None


PARLAY = {"parlay": "parlay"}


@command(
    RequestParlay,
    authority=any_member,
    creates=("parlay", "parlay"),
    refs={"with_": "member"},
    parties=("with_",),
)
def decide_request_parlay(state: State, cmd: RequestParlay, draft: Draft) -> list[Event] | Refusal:
    if "adjudicator" not in state.members[cmd.with_].offices or cmd.with_ == cmd.by:  # PARLAY-2
        return refuse(
            "PARLAY-2", f"a parlay is asked of an adjudicator; {cmd.with_} is none to {cmd.by}"
        )
    return [draft.event(ParlayRequested, parlay=cmd.parlay, adjudicator=cmd.with_)]


def answer(
    state: State, cmd: GrantParlay | DenyParlay, draft: Draft, event: type[Event]
) -> list[Event] | Refusal:
    parlay = state.parlays[cmd.parlay]
    if cmd.by != parlay.adjudicator:  # PARLAY-2
        return refuse("PARLAY-2", f"{cmd.parlay} was asked of {parlay.adjudicator}, not {cmd.by}")
    if parlay.state != "requested":  # PARLAY-3
        return refuse("PARLAY-3", f"{cmd.parlay} is {parlay.state}; a parlay is answered once")
    return [draft.event(event, parlay=cmd.parlay)]


@command(GrantParlay, authority=offices("adjudicator", rule="ROLE-1"), refs=PARLAY)
def decide_grant_parlay(state: State, cmd: GrantParlay, draft: Draft) -> list[Event] | Refusal:
    return answer(state, cmd, draft, ParlayGranted)


@command(DenyParlay, authority=offices("adjudicator", rule="ROLE-1"), refs=PARLAY)
def decide_deny_parlay(state: State, cmd: DenyParlay, draft: Draft) -> list[Event] | Refusal:
    return answer(state, cmd, draft, ParlayDenied)


@command(ConcludeParlay, authority=any_member, refs={**PARLAY, "terms": "terms"})
def decide_conclude_parlay(
    state: State, cmd: ConcludeParlay, draft: Draft
) -> list[Event] | Refusal:
    parlay = state.parlays[cmd.parlay]
    if cmd.by not in (parlay.requester, parlay.adjudicator):  # PARLAY-2
        return refuse(
            "PARLAY-2", f"only {parlay.requester} or {parlay.adjudicator} concludes {cmd.parlay}"
        )
    if parlay.state != "granted":  # PARLAY-3
        return refuse(
            "PARLAY-3", f"{cmd.parlay} is {parlay.state}; only a granted parlay is concluded"
        )
    return [draft.event(ParlayConcluded, parlay=cmd.parlay, terms=cmd.terms)]


@guard(Eliminate)
def no_elimination_under_parlay(state: State, cmd: Eliminate) -> Refusal | None:
    """PARLAY-1: while a parlay stands, neither party may eliminate the other."""
    for parlay_id, parlay in state.parlays.items():
        if parlay.state == "granted" and {cmd.by, cmd.target} == {
            parlay.requester,
            parlay.adjudicator,
        }:
            return refuse("PARLAY-1", f"{cmd.by} and {cmd.target} are at parlay ({parlay_id})")
    return None


@applies(ParlayRequested)
def apply_parlay_requested(state: State, event: ParlayRequested) -> None:
    state.parlays[event.parlay] = Parlay(requester=event.by, adjudicator=event.adjudicator)


@applies(ParlayGranted)
def apply_parlay_granted(state: State, event: ParlayGranted) -> None:
    update(state.parlays, event.parlay, state="granted")


@applies(ParlayDenied)
def apply_parlay_denied(state: State, event: ParlayDenied) -> None:
    update(state.parlays, event.parlay, state="denied")


@applies(ParlayConcluded)
def apply_parlay_concluded(state: State, event: ParlayConcluded) -> None:
    update(state.parlays, event.parlay, state="concluded", terms=event.terms)
