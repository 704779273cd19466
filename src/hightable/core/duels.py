"""Chapter 9: duels — challenge, sanction, seconds and stand-ins, the hour, forfeits (DUEL-1..6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from hightable.core.authority import any_member, offices
from hightable.core.commands import Command, Id, InstantText, Text, command
from hightable.core.engine import KINDS, Draft, applies
from hightable.core.events import Event, event_type, sorted_keys
from hightable.core.excommunicado import in_effect
from hightable.core.grants import (
    Grants,
    first_problem,
    grant_events,
    grant_refs,
    grants_of,
    read_grant,
)
from hightable.core.markers import void_markers_of
from hightable.core.rules import Refusal, refuse
from hightable.core.state import TABLE, Death, Duel, State, update

KINDS["duel"] = lambda state: state.duels

Side = Literal["challenger", "challenged"]
SIDES: tuple[str, str] = ("challenger", "challenged")


class DuelTerms(msgspec.Struct, forbid_unknown_fields=True):
    """What each outcome grants the winning side's principal (grants as in §8)."""

    challenger_wins: Grants = []
    challenged_wins: Grants = []


@event_type
class DuelChallenged(Event, tag="duel_challenged"):
    duel: str
    challenged: str


@event_type
class DuelSanctioned(Event, tag="duel_sanctioned"):
    duel: str
    place: str
    hour: str
    terms: dict[str, list[object]]


@event_type
class SecondNamed(Event, tag="second_named"):
    duel: str
    side: str
    member: str


@event_type
class StandInNamed(Event, tag="stand_in_named"):
    duel: str
    side: str
    member: str


@event_type
class FighterArrived(Event, tag="fighter_arrived"):
    duel: str
    side: str


@event_type
class DuelResolved(Event, tag="duel_resolved"):
    duel: str
    named_winner: str  # the winner the officer named, before forfeits
    winner: str | None  # the side that won after forfeits; None when both forfeit
    forfeited: list[str]
    fallen: list[str]


@event_type
class MemberFell(Event, tag="member_fell"):
    """A death in a duel: one of the fallen, or a forfeiting side's principal or second."""

    member: str
    duel: str
    cause: str  # fallen | executed


class Challenge(Command, tag="challenge"):
    duel: Id
    challenged: Id


class SanctionDuel(Command, tag="sanction_duel"):
    duel: Id
    place: Text
    hour: InstantText
    terms: DuelTerms


class NameSecond(Command, tag="name_second"):
    duel: Id
    member: Id


class NameStandIn(Command, tag="name_stand_in"):
    duel: Id
    member: Id


class Arrive(Command, tag="arrive"):
    duel: Id


class ResolveDuel(Command, tag="resolve_duel"):
    duel: Id
    winner: Side
    fallen: Annotated[list[Id], Meta(max_length=16)]


OFFICERS = offices("adjudicator", "elder", rule="DUEL-3")
DUEL = {"duel": "duel"}


def principal(duel: Duel, side: str) -> str:
    return duel.challenger if side == "challenger" else duel.challenged


def fighter(duel: Duel, side: str) -> str:
    return duel.stand_in.get(side) or principal(duel, side)


def side_of(duel: Duel, member_id: str) -> str | None:
    """The side a member stands on in a duel: as principal, second or stand-in."""
    for side in SIDES:
        if member_id in (principal(duel, side), duel.second.get(side), duel.stand_in.get(side)):
            return side
    return None


def other(side: str) -> str:
    return SIDES[1] if side == SIDES[0] else SIDES[0]


@command(
    Challenge,
    authority=any_member,
    creates=("duel", "duel"),
    refs={"challenged": "member"},
    parties=("challenged",),
)
def decide_challenge(state: State, cmd: Challenge, draft: Draft) -> list[Event] | Refusal:
    challenger = state.members[cmd.by]
    family = state.families.get(challenger.family) if challenger.family else None
    if family is None or not family.high_table:  # DUEL-1 (a recruit has no family yet)
        where = (
            f"the recruits of {challenger.recruit_of}"
            if challenger.recruit_of
            else "no High Table family"
        )
        return refuse(
            "DUEL-1", f"{cmd.by} is of {where}; only a member of a High Table family challenges"
        )
    if "seat" not in state.members[cmd.challenged].offices or cmd.challenged == cmd.by:  # DUEL-2
        return refuse("DUEL-2", f"{cmd.challenged} holds no seat at the Table to be challenged for")
    return [draft.event(DuelChallenged, duel=cmd.duel, challenged=cmd.challenged)]


def sanction_refs(cmd: SanctionDuel) -> Iterator[tuple[str, str, str]]:
    yield from grant_refs("terms.challenger_wins", cmd.terms.challenger_wins)
    yield from grant_refs("terms.challenged_wins", cmd.terms.challenged_wins)


def sanction_is_well_formed(cmd: SanctionDuel) -> str | None:
    terms = cmd.terms
    return first_problem(
        terms.challenger_wins, read_grant, "terms.challenger_wins"
    ) or first_problem(terms.challenged_wins, read_grant, "terms.challenged_wins")


@command(
    SanctionDuel,
    authority=OFFICERS,
    refs=DUEL,
    instants=("hour",),
    nested=sanction_refs,
    validate=sanction_is_well_formed,
)
def decide_sanction_duel(state: State, cmd: SanctionDuel, draft: Draft) -> list[Event] | Refusal:
    duel = state.duels[cmd.duel]
    if duel.state != "challenged":  # DUEL-3
        return refuse("DUEL-3", f"{cmd.duel} is {duel.state}; a duel is sanctioned once")
    if cmd.hour <= cmd.at:  # DUEL-3
        return refuse("DUEL-3", f"the hour {cmd.hour} must lie after the sanction, {cmd.at}")
    # Keys sorted as the log's canonical JSON has them: the live event is the replayed one.
    terms = sorted_keys(
        {"challenger_wins": cmd.terms.challenger_wins, "challenged_wins": cmd.terms.challenged_wins}
    )
    return [draft.event(DuelSanctioned, duel=cmd.duel, place=cmd.place, hour=cmd.hour, terms=terms)]


def check_naming(
    state: State, cmd: NameSecond | NameStandIn, role: str, named: dict[str, str]
) -> Refusal | str:
    """DUEL-4: one second and one stand-in per principal, before the hour, not of the other side."""
    duel = state.duels[cmd.duel]
    side = next((s for s in SIDES if principal(duel, s) == cmd.by), None)
    if side is None:
        return refuse(
            "DUEL-4", f"only a principal of {cmd.duel} names its {role}; {cmd.by} is none"
        )
    if duel.state == "resolved" or (duel.hour is not None and cmd.at >= duel.hour):
        return refuse("DUEL-4", f"the hour of {cmd.duel} has come; no {role} is named now")
    if side in named:
        return refuse("DUEL-4", f"{cmd.by} named {named[side]} as {role} already")
    if cmd.member == cmd.by or side_of(duel, cmd.member) == other(side):
        return refuse("DUEL-4", f"{cmd.member} cannot be the {role} of {cmd.by} in {cmd.duel}")
    if state.members[cmd.member].deceased:  # DUEL-4: a living member
        return refuse("DUEL-4", f"{cmd.member} is deceased; a {role} is a living member")
    return side


# A deceased second is DUEL-4's to name, the chapter's rule (§13), not LIFE-1's.
@command(NameSecond, authority=any_member, refs={**DUEL, "member": "member"})
def decide_name_second(state: State, cmd: NameSecond, draft: Draft) -> list[Event] | Refusal:
    side = check_naming(state, cmd, "second", state.duels[cmd.duel].second)
    if isinstance(side, Refusal):
        return side
    return [draft.event(SecondNamed, duel=cmd.duel, side=side, member=cmd.member)]


# A deceased stand-in is DUEL-4's to name, the chapter's rule (§13), not LIFE-1's.
@command(NameStandIn, authority=any_member, refs={**DUEL, "member": "member"})
def decide_name_stand_in(state: State, cmd: NameStandIn, draft: Draft) -> list[Event] | Refusal:
    side = check_naming(state, cmd, "stand-in", state.duels[cmd.duel].stand_in)
    if isinstance(side, Refusal):
        return side
    if in_effect(state, cmd.member):  # DUEL-4
        return refuse("DUEL-4", f"{cmd.member} is excommunicado and cannot stand in")
    return [draft.event(StandInNamed, duel=cmd.duel, side=side, member=cmd.member)]


@command(Arrive, authority=any_member, refs=DUEL)
def decide_arrive(state: State, cmd: Arrive, draft: Draft) -> list[Event] | Refusal:
    duel = state.duels[cmd.duel]
    side = next((s for s in SIDES if fighter(duel, s) == cmd.by), None)
    if side is None:  # DUEL-5
        fighters = " and ".join(fighter(duel, s) for s in SIDES)
        return refuse(
            "DUEL-5", f"{cmd.by} does not fight in {cmd.duel}; its fighters are {fighters}"
        )
    if duel.state != "sanctioned" or duel.hour is None:  # DUEL-5
        return refuse(
            "DUEL-5", f"{cmd.duel} is {duel.state}, not sanctioned: there is no hour to keep"
        )
    if cmd.at > duel.hour:  # DUEL-5
        return refuse("DUEL-5", f"{cmd.by} arrives at {cmd.at}, after the hour, {duel.hour}")
    if side in duel.arrived:  # DUEL-5
        return refuse("DUEL-5", f"{cmd.by} has arrived already")
    return [draft.event(FighterArrived, duel=cmd.duel, side=side)]


def resolve_refs(cmd: ResolveDuel) -> Iterator[tuple[str, str, str]]:
    for index, member_id in enumerate(cmd.fallen):
        yield f"fallen[{index}]", "member", member_id


@command(ResolveDuel, authority=OFFICERS, refs=DUEL, nested=resolve_refs)
def decide_resolve_duel(state: State, cmd: ResolveDuel, draft: Draft) -> list[Event] | Refusal:
    duel = state.duels[cmd.duel]
    if duel.state != "sanctioned" or duel.hour is None:  # DUEL-6
        return refuse("DUEL-6", f"{cmd.duel} is {duel.state}; only a sanctioned duel is resolved")
    if cmd.at < duel.hour:  # DUEL-6
        return refuse("DUEL-6", f"{cmd.duel} is resolved at or after its hour, {duel.hour}")
    strangers = [m for m in cmd.fallen if side_of(duel, m) is None]
    if strangers:  # DUEL-6
        return refuse(
            "DUEL-6", f"{strangers[0]} is no party to {cmd.duel}; the fallen are its parties"
        )
    twice = next((m for i, m in enumerate(cmd.fallen) if m in cmd.fallen[:i]), None)
    if twice is not None:  # DUEL-6
        return refuse("DUEL-6", f"{twice} is named twice among the fallen; each falls once")
    forfeited = [side for side in SIDES if side not in duel.arrived]
    winner = cmd.winner if not forfeited else (other(forfeited[0]) if len(forfeited) == 1 else None)
    events: list[Event] = [
        draft.event(
            DuelResolved,
            duel=cmd.duel,
            named_winner=cmd.winner,
            winner=winner,
            forfeited=forfeited,
            fallen=list(cmd.fallen),
        )
    ]
    dead = _deaths(state, duel, cmd.fallen, forfeited)
    events += [
        draft.event(MemberFell, member=m, duel=cmd.duel, cause=cause) for m, cause in dead.items()
    ]
    for member_id in dead:  # a marker between two of the dead is voided once
        events += void_markers_of(draft.now(), member_id, draft)
    winning_principal = principal(duel, winner) if winner else None
    if winning_principal and winning_principal not in dead:
        grants = duel.terms.get(f"{winner}_wins", ())
        events += grant_events(draft, winning_principal, grants_of(grants), duel=cmd.duel)
    return events


def _deaths(state: State, duel: Duel, fallen: list[str], forfeited: list[str]) -> dict[str, str]:
    """DUEL-6: the named fallen, and each forfeiting side's principal and second, executed."""
    dead: dict[str, str] = {}
    for member_id in fallen:
        dead.setdefault(member_id, "fallen")
    for side in forfeited:
        for party in (principal(duel, side), duel.second.get(side)):
            if party is not None:
                dead.setdefault(party, "executed")
    return {m: cause for m, cause in dead.items() if not state.members[m].deceased}


@applies(DuelChallenged)
def apply_duel_challenged(state: State, event: DuelChallenged) -> None:
    state.duels[event.duel] = Duel(challenger=event.by, challenged=event.challenged)


@applies(DuelSanctioned)
def apply_duel_sanctioned(state: State, event: DuelSanctioned) -> None:
    terms = {outcome: tuple(grants) for outcome, grants in event.terms.items()}
    update(
        state.duels, event.duel, state="sanctioned", place=event.place, hour=event.hour, terms=terms
    )


@applies(SecondNamed)
def apply_second_named(state: State, event: SecondNamed) -> None:
    duel = state.duels[event.duel]
    update(state.duels, event.duel, second={**duel.second, event.side: event.member})


@applies(StandInNamed)
def apply_stand_in_named(state: State, event: StandInNamed) -> None:
    duel = state.duels[event.duel]
    update(state.duels, event.duel, stand_in={**duel.stand_in, event.side: event.member})


@applies(FighterArrived)
def apply_fighter_arrived(state: State, event: FighterArrived) -> None:
    duel = state.duels[event.duel]
    update(state.duels, event.duel, arrived=duel.arrived + (event.side,))


@applies(DuelResolved)
def apply_duel_resolved(state: State, event: DuelResolved) -> None:
    update(
        state.duels, event.duel, state="resolved", winner=event.winner, fallen=tuple(event.fallen)
    )


@applies(MemberFell)
def apply_member_fell(state: State, event: MemberFell) -> None:
    # Falling in a duel, or executed for a forfeit, is no member's own elimination: whoever
    # resolved the duel did not kill, so no contract on the fallen is paid for it (CONTRACT-4).
    death = Death(by=TABLE, at=event.at, confirmed=True)
    update(state.members, event.member, life="deceased", death=death)
