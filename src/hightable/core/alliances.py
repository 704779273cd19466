"""Chapter 10, second half: alliances, and the breach of allying with the cast out (ALLY-1..3)."""

from __future__ import annotations

import msgspec

from hightable.core.authority import any_member
from hightable.core.breaches import BreachRecorded
from hightable.core.commands import Command, Id, Text, command
from hightable.core.engine import KINDS, Draft, applies
from hightable.core.events import Event, event_type
from hightable.core.excommunicado import in_effect
from hightable.core.rules import Refusal, refuse
from hightable.core.state import Alliance, State, update

KINDS["alliance"] = lambda state: state.alliances


@event_type
class AllianceProposed(Event, tag="alliance_proposed"):
    alliance: str
    partner: str
    purpose: str


@event_type
class AllianceFormed(Event, tag="alliance_formed"):
    alliance: str


@event_type
class AllianceDissolved(Event, tag="alliance_dissolved"):
    alliance: str


class ProposeAlliance(Command, tag="propose_alliance"):
    alliance: Id
    with_: Id = msgspec.field(name="with")
    purpose: Text


class AcceptAlliance(Command, tag="accept_alliance"):
    alliance: Id


class DissolveAlliance(Command, tag="dissolve_alliance"):
    alliance: Id


ALLIANCE = {"alliance": "alliance"}


@command(
    ProposeAlliance,
    authority=any_member,
    creates=("alliance", "alliance"),
    refs={"with_": "member"},
    parties=("with_",),
)
def decide_propose_alliance(
    state: State, cmd: ProposeAlliance, draft: Draft
) -> list[Event] | Refusal:
    if cmd.with_ == cmd.by:  # ALLY-2
        return refuse("ALLY-2", f"{cmd.by} cannot ally with themselves")
    return [
        draft.event(AllianceProposed, alliance=cmd.alliance, partner=cmd.with_, purpose=cmd.purpose)
    ]


@command(AcceptAlliance, authority=any_member, refs=ALLIANCE)
def decide_accept_alliance(
    state: State, cmd: AcceptAlliance, draft: Draft
) -> list[Event] | Refusal:
    alliance = state.alliances[cmd.alliance]
    if cmd.by != alliance.partner:  # ALLY-1
        return refuse("ALLY-1", f"only {alliance.partner} may accept {cmd.alliance}, not {cmd.by}")
    if alliance.state != "proposed":  # ALLY-3
        return refuse("ALLY-3", f"{cmd.alliance} is {alliance.state}; only a proposal is accepted")
    events: list[Event] = [draft.event(AllianceFormed, alliance=cmd.alliance)]
    for helper, cast_out in (
        (alliance.proposer, alliance.partner),
        (alliance.partner, alliance.proposer),
    ):
        if in_effect(state, cast_out) and not in_effect(state, helper):  # EXCOM-3, once
            events.append(draft.event(BreachRecorded, member=helper, rule="EXCOM-3"))
    return events


@command(DissolveAlliance, authority=any_member, refs=ALLIANCE)
def decide_dissolve_alliance(
    state: State, cmd: DissolveAlliance, draft: Draft
) -> list[Event] | Refusal:
    alliance = state.alliances[cmd.alliance]
    if cmd.by not in (alliance.proposer, alliance.partner):  # ALLY-2
        return refuse(
            "ALLY-2", f"only {alliance.proposer} or {alliance.partner} dissolves {cmd.alliance}"
        )
    if alliance.state == "dissolved":  # ALLY-3
        return refuse("ALLY-3", f"{cmd.alliance} is dissolved already")
    return [draft.event(AllianceDissolved, alliance=cmd.alliance)]


@applies(AllianceProposed)
def apply_alliance_proposed(state: State, event: AllianceProposed) -> None:
    state.alliances[event.alliance] = Alliance(
        proposer=event.by, partner=event.partner, purpose=event.purpose
    )


@applies(AllianceFormed)
def apply_alliance_formed(state: State, event: AllianceFormed) -> None:
    update(state.alliances, event.alliance, state="active")


@applies(AllianceDissolved)
def apply_alliance_dissolved(state: State, event: AllianceDissolved) -> None:
    update(state.alliances, event.alliance, state="dissolved")
