"""Chapter 11: families, their heads, members and recruits (FAMILY-1..3)."""

from __future__ import annotations

from hightable.core.authority import holds_office, the_table
from hightable.core.commands import Command, Id, Text, command
from hightable.core.engine import KINDS, Draft, applies
from hightable.core.events import Event, event_type
from hightable.core.rules import Refusal, refuse
from hightable.core.state import TABLE, Family, State, update

KINDS["family"] = lambda state: state.families


@event_type
class FamilyFounded(Event, tag="family_founded"):
    family: str
    name: str
    head: str
    high_table: bool


@event_type
class HeadNamed(Event, tag="head_named"):
    family: str
    head: str


@event_type
class MemberAdmitted(Event, tag="member_admitted"):
    family: str
    member: str
    terms: str | None = None  # the terms whose grant admitted them, if any


@event_type
class MemberExiled(Event, tag="member_exiled"):
    family: str
    member: str
    terms: str | None = None  # the terms whose revocation exiled them, if any


@event_type
class RecruitEnrolled(Event, tag="recruit_enrolled"):
    family: str
    member: str


@event_type
class RecruitGraduated(Event, tag="recruit_graduated"):
    family: str
    member: str


class FoundFamily(Command, tag="found_family"):
    family: Id
    name: Text
    head: Id
    high_table: bool


class NameHead(Command, tag="name_head"):
    family: Id
    head: Id


class Admit(Command, tag="admit"):
    family: Id
    member: Id


class Exile(Command, tag="exile"):
    family: Id
    member: Id


class Enroll(Command, tag="enroll"):
    family: Id
    member: Id


class Graduate(Command, tag="graduate"):
    family: Id
    member: Id


FAMILY_AND_MEMBER = {"family": "family", "member": "member"}


def check_unattached(state: State, member_id: str, allowed: str | None = None) -> Refusal | None:
    """FAMILY-2: a member (or recruit) of one family joins no other; `allowed` excepted."""
    current = state.members[member_id].family or state.members[member_id].recruit_of
    if current is not None and current != allowed:
        return refuse("FAMILY-2", f"{member_id} belongs to the family {current} already")
    return None


def head_only(state: State, cmd: Admit | Exile | Enroll | Graduate) -> Refusal | None:
    """The family's head alone (FAMILY-1): only they admit, exile, enroll and graduate."""
    head = state.families[cmd.family].head
    if cmd.by != head:
        return refuse("FAMILY-1", f"only {head}, the head of {cmd.family}, may {cmd.do}")
    return None


def table_or_adjudicator(state: State, cmd: Command) -> Refusal | None:
    """The table or the adjudicator (ROLE-1)."""
    if cmd.by == TABLE or holds_office(state, cmd.by, "adjudicator"):
        return None
    return refuse("ROLE-1", f"only the table or the adjudicator may {cmd.do}; not {cmd.by}")


@command(
    FoundFamily,
    authority=the_table,
    creates=("family", "family"),
    refs={"head": "member"},
    parties=("head",),
)
def decide_found_family(state: State, cmd: FoundFamily, draft: Draft) -> list[Event] | Refusal:
    return check_unattached(state, cmd.head) or [
        draft.event(
            FamilyFounded,
            family=cmd.family,
            name=cmd.name,
            head=cmd.head,
            high_table=cmd.high_table,
        )
    ]


@command(
    NameHead,
    authority=table_or_adjudicator,
    refs={"family": "family", "head": "member"},
    parties=("head",),
)
def decide_name_head(state: State, cmd: NameHead, draft: Draft) -> list[Event] | Refusal:
    refusal = check_unattached(state, cmd.head, allowed=cmd.family)
    if refusal:
        return refusal
    if state.families[cmd.family].head == cmd.head:  # FAMILY-3
        return refuse("FAMILY-3", f"{cmd.head} heads {cmd.family} already")
    return [draft.event(HeadNamed, family=cmd.family, head=cmd.head)]


@command(Admit, authority=head_only, refs=FAMILY_AND_MEMBER, parties=("member",))
def decide_admit(state: State, cmd: Admit, draft: Draft) -> list[Event] | Refusal:
    return check_unattached(state, cmd.member) or [
        draft.event(MemberAdmitted, family=cmd.family, member=cmd.member)
    ]


@command(Exile, authority=head_only, refs=FAMILY_AND_MEMBER)
def decide_exile(state: State, cmd: Exile, draft: Draft) -> list[Event] | Refusal:
    family = state.families[cmd.family]
    if cmd.member == family.head:  # FAMILY-3
        return refuse("FAMILY-3", f"{cmd.member} heads {cmd.family}; a head is not exiled")
    if cmd.member not in family.members + family.recruits:  # FAMILY-3
        return refuse("FAMILY-3", f"{cmd.member} is not of the family {cmd.family}")
    return [draft.event(MemberExiled, family=cmd.family, member=cmd.member)]


@command(Enroll, authority=head_only, refs=FAMILY_AND_MEMBER, parties=("member",))
def decide_enroll(state: State, cmd: Enroll, draft: Draft) -> list[Event] | Refusal:
    return check_unattached(state, cmd.member) or [
        draft.event(RecruitEnrolled, family=cmd.family, member=cmd.member)
    ]


@command(Graduate, authority=head_only, refs=FAMILY_AND_MEMBER)
def decide_graduate(state: State, cmd: Graduate, draft: Draft) -> list[Event] | Refusal:
    if cmd.member not in state.families[cmd.family].recruits:  # FAMILY-3
        return refuse("FAMILY-3", f"{cmd.member} is no recruit of {cmd.family}")
    return [draft.event(RecruitGraduated, family=cmd.family, member=cmd.member)]


def join(state: State, family_id: str, member_id: str, terms: str | None = None) -> None:
    """A member joins a family: by a terms' grant (`terms`), or by its head or the table."""
    family = state.families[family_id]
    if member_id not in family.members:
        update(state.families, family_id, members=family.members + (member_id,))
    update(state.members, member_id, family=family_id, recruit_of=None, admitted_by_terms=terms)


@applies(FamilyFounded)
def apply_family_founded(state: State, event: FamilyFounded) -> None:
    state.families[event.family] = Family(
        name=event.name, head=event.head, high_table=event.high_table
    )
    join(state, event.family, event.head)


@applies(HeadNamed)
def apply_head_named(state: State, event: HeadNamed) -> None:
    update(state.families, event.family, head=event.head)
    recruits = state.families[event.family].recruits
    if event.head in recruits:
        update(state.families, event.family, recruits=tuple(r for r in recruits if r != event.head))
    join(state, event.family, event.head)


@applies(MemberAdmitted)
def apply_member_admitted(state: State, event: MemberAdmitted) -> None:
    join(state, event.family, event.member, event.terms)


@applies(MemberExiled)
def apply_member_exiled(state: State, event: MemberExiled) -> None:
    family = state.families[event.family]
    update(
        state.families,
        event.family,
        members=tuple(m for m in family.members if m != event.member),
        recruits=tuple(r for r in family.recruits if r != event.member),
    )
    update(state.members, event.member, family=None, recruit_of=None, admitted_by_terms=None)


@applies(RecruitEnrolled)
def apply_recruit_enrolled(state: State, event: RecruitEnrolled) -> None:
    family = state.families[event.family]
    update(state.families, event.family, recruits=family.recruits + (event.member,))
    update(state.members, event.member, recruit_of=event.family)


@applies(RecruitGraduated)
def apply_recruit_graduated(state: State, event: RecruitGraduated) -> None:
    family = state.families[event.family]
    update(
        state.families,
        event.family,
        recruits=tuple(r for r in family.recruits if r != event.member),
    )
    join(state, event.family, event.member)
