"""Chapter 2: members, offices and resurfacing (LIFE-1 lives in the engine; ROLE-2)."""

from __future__ import annotations

from typing import Literal

from hightable.core.authority import the_table
from hightable.core.commands import Command, Id, Text, command
from hightable.core.engine import KINDS, Draft, applies, on_acting
from hightable.core.events import Event, event_type
from hightable.core.rules import Refusal, refuse
from hightable.core.state import Member, State, update

Office = Literal["seat", "elder", "adjudicator"]

KINDS["member"] = lambda state: state.members


@event_type
class MemberRegistered(Event, tag="member_registered"):
    member: str
    name: str


@event_type
class OfficeAppointed(Event, tag="office_appointed"):
    member: str
    office: str


@event_type
class Resurfaced(Event, tag="resurfaced"):
    """A presumed-dead member acted, and so lives again (§2)."""

    member: str


class Register(Command, tag="register"):
    member: Id
    name: Text


class Appoint(Command, tag="appoint"):
    member: Id
    office: Office


@command(Register, authority=the_table, creates=("member", "account"))
def decide_register(state: State, cmd: Register, draft: Draft) -> list[Event]:
    return [draft.event(MemberRegistered, member=cmd.member, name=cmd.name)]


@command(Appoint, authority=the_table, refs={"member": "member"}, parties=("member",))
def decide_appoint(state: State, cmd: Appoint, draft: Draft) -> list[Event] | Refusal:
    if cmd.office in state.members[cmd.member].offices:  # ROLE-2
        return refuse("ROLE-2", f"{cmd.member} already holds the office of {cmd.office}")
    return [draft.event(OfficeAppointed, member=cmd.member, office=cmd.office)]


@on_acting
def resurfacing(state: State, cmd: Command, draft: Draft) -> list[Event]:
    """§2: a presumed-dead member who acts is alive again, before what they do is judged."""
    actor = state.members.get(cmd.by)
    if actor is not None and actor.life == "presumed_dead":
        return [draft.event(Resurfaced, member=cmd.by)]
    return []


@applies(MemberRegistered)
def apply_member_registered(state: State, event: MemberRegistered) -> None:
    state.members[event.member] = Member(name=event.name)


@applies(OfficeAppointed)
def apply_office_appointed(state: State, event: OfficeAppointed) -> None:
    member = state.members[event.member]
    update(state.members, event.member, offices=member.offices + (event.office,))


@applies(Resurfaced)
def apply_resurfaced(state: State, event: Resurfaced) -> None:
    update(state.members, event.member, life="alive", death=None)
