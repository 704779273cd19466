"""Chapter 6: excommunicado, its hour of grace, and aid to the cast out (EXCOM-1..4, HOTEL-3).

A member's excommunicado (`excommunicado`, `excommunicado_from`, its deadline, the terms that
lifted it) is changed by the appliers of this module alone: terms and duels lift and restore it
through the events declared here.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from hightable.core.authority import any_member, holds_office
from hightable.core.breaches import BreachRecorded
from hightable.core.commands import Command, Id, Text, command
from hightable.core.engine import Draft, applies, on_deadline
from hightable.core.events import Event, event_type
from hightable.core.instants import LAST, InstantError, add_minutes
from hightable.core.rules import Refusal, refuse
from hightable.core.state import State, clear_deadline, set_deadline, update

GraceMinutes = Annotated[int, Meta(ge=0, le=100 * 525_600, description="minutes")]  # 100 years


@event_type
class Excommunicated(Event, tag="excommunicated"):
    member: str
    reason: str
    grace: int
    effective_at: str
    hotel: str | None = None


@event_type
class ExcommunicadoTookEffect(Event, tag="excommunicado_took_effect"):
    member: str


@event_type
class MemberAided(Event, tag="member_aided"):
    member: str
    help: str


@event_type
class ExcommunicadoLifted(Event, tag="excommunicado_lifted"):
    """A grant of terms or of a duel lifted the member's excommunicado (§8, §9)."""

    member: str
    terms: str | None = None
    duel: str | None = None


@event_type
class ExcommunicadoRestored(Event, tag="excommunicado_restored"):
    """TERMS-3: the lift is revoked; the excommunicado is in effect at once."""

    member: str
    terms: str


class Excommunicate(Command, tag="excommunicate"):
    member: Id
    grace: GraceMinutes
    reason: Text
    hotel: Id | None = None


class Aid(Command, tag="aid"):
    member: Id
    help: Text


def in_effect(state: State, member_id: str) -> bool:
    """Is the member excommunicado now (the grace has run out)?"""
    member = state.members.get(member_id)
    return member is not None and member.excommunicado


def owes_invoked_marker(state: State, debtor: str, holder: str) -> bool:
    markers = (state.markers[marker_id] for marker_id in state.live_markers.get(debtor, ()))
    return any(
        marker.debtor == debtor and marker.holder == holder and marker.state == "invoked"
        for marker in markers
    )


def aiding_is_breach(state: State, helper: str, member_id: str) -> bool:
    """EXCOM-3: helping an excommunicado in effect, unless honoring a marker owed to them."""
    return (
        helper != member_id
        and in_effect(state, member_id)
        and not owes_invoked_marker(state, helper, member_id)
    )


def authorize_excommunicate(state: State, cmd: Excommunicate) -> Refusal | None:
    """The Table's officers may cast anyone out; a manager, only for a breach on their grounds."""
    if holds_office(state, cmd.by, "adjudicator", "elder", "seat"):
        return None
    managed = [hotel_id for hotel_id, hotel in state.hotels.items() if hotel.manager == cmd.by]
    if not managed:
        return refuse("ROLE-1", f"{cmd.by} holds no office and manages no hotel")
    hotel = state.hotels.get(cmd.hotel) if cmd.hotel else None
    managed_text = ", ".join(managed)
    if hotel is None:
        return refuse(
            "HOTEL-3",
            f"hotel: missing; {cmd.by} manages {managed_text} and excommunicates only for a"
            " breach on those grounds: name the hotel",
        )
    if hotel.manager != cmd.by:
        return refuse(
            "HOTEL-3",
            f"{cmd.by} does not manage {cmd.hotel} ({cmd.by} manages {managed_text}): a manager"
            " excommunicates only for a breach on their own grounds",
        )
    if cmd.member not in hotel.breached_by:
        return refuse("HOTEL-3", f"{cmd.member} committed no breach on the grounds of {cmd.hotel}")
    return None


def grace_ends_in_time(cmd: Excommunicate) -> str | None:
    """CMD-1: the hour of grace ends by the last instant there is."""
    try:
        add_minutes(cmd.at, cmd.grace)
    except InstantError:
        return f"grace: {cmd.grace} minutes after {cmd.at} run past {LAST}"
    return None


@command(
    Excommunicate,
    authority=authorize_excommunicate,
    refs={"member": "member", "hotel": "hotel"},
    parties=("member",),
    validate=grace_ends_in_time,
)
def decide_excommunicate(state: State, cmd: Excommunicate, draft: Draft) -> list[Event] | Refusal:
    member = state.members[cmd.member]
    if member.excommunicado_from is not None:  # EXCOM-4
        since = member.excommunicado_from
        return refuse("EXCOM-4", f"{cmd.member} is already excommunicado from {since}")
    effective_at = add_minutes(cmd.at, cmd.grace)
    events = [
        draft.event(
            Excommunicated,
            member=cmd.member,
            reason=cmd.reason,
            grace=cmd.grace,
            effective_at=effective_at,
            hotel=cmd.hotel,
        )
    ]
    if cmd.grace == 0:  # no hour of grace: the deadline falls with the command
        events.append(draft.event(ExcommunicadoTookEffect, member=cmd.member))
    return events


@command(Aid, authority=any_member, refs={"member": "member"}, parties=("member",))
def decide_aid(state: State, cmd: Aid, draft: Draft) -> list[Event]:
    events = [draft.event(MemberAided, member=cmd.member, help=cmd.help)]
    if aiding_is_breach(state, cmd.by, cmd.member):  # EXCOM-3
        events.append(draft.event(BreachRecorded, member=cmd.by, rule="EXCOM-3"))
    return events


@on_deadline("excommunicado")
def excommunicado_takes_effect(
    state: State, member_id: str, instant: str, draft: Draft
) -> list[Event]:
    return [draft.deadline_event(ExcommunicadoTookEffect, at=instant, member=member_id)]


@applies(Excommunicated)
def apply_excommunicated(state: State, event: Excommunicated) -> None:
    # A new decree: a lift by terms no longer holds, and their revocation will not touch it.
    update(state.members, event.member, excommunicado_from=event.effective_at, lifted_by_terms=None)
    set_deadline(state, f"excommunicado:{event.member}", event.effective_at)


@applies(ExcommunicadoTookEffect)
def apply_excommunicado_took_effect(state: State, event: ExcommunicadoTookEffect) -> None:
    update(state.members, event.member, excommunicado=True)
    clear_deadline(state, f"excommunicado:{event.member}")


@applies(ExcommunicadoLifted)
def apply_excommunicado_lifted(state: State, event: ExcommunicadoLifted) -> None:
    # Lifted by terms: their revocation restores it (TERMS-3), unless a new decree comes first.
    update(
        state.members,
        event.member,
        excommunicado=False,
        excommunicado_from=None,
        lifted_by_terms=event.terms,
    )
    clear_deadline(state, f"excommunicado:{event.member}")


@applies(ExcommunicadoRestored)
def apply_excommunicado_restored(state: State, event: ExcommunicadoRestored) -> None:
    update(
        state.members,
        event.member,
        excommunicado=True,
        excommunicado_from=event.at,
        lifted_by_terms=None,
    )


@applies(MemberAided)
def apply_member_aided(state: State, event: MemberAided) -> None:
    pass  # the aid itself changes no balance; a breach, if any, is its own event
