"""Chapter 12: elimination and fines (LIFE-2, LIFE-3, HOTEL-2); the breaches it records are
in `breaches.py`."""

from __future__ import annotations

from hightable.core.authority import any_member, offices
from hightable.core.breaches import BreachRecorded
from hightable.core.coins import check_covered, check_positive
from hightable.core.commands import Amount, Command, Id, Text, command
from hightable.core.engine import Draft, applies
from hightable.core.events import Event, event_type
from hightable.core.markers import void_markers_of
from hightable.core.rules import Refusal, refuse
from hightable.core.state import TABLE, Death, State, move_balance, update


@event_type
class MemberEliminated(Event, tag="member_eliminated"):
    target: str
    confirmed: bool
    hotel: str | None = None
    consecrated: bool = False  # on consecrated ground: a breach of HOTEL-2, paid by no contract


@event_type
class Fined(Event, tag="fined"):
    member: str
    amount: int
    reason: str


class Eliminate(Command, tag="eliminate"):
    target: Id
    hotel: Id | None = None
    confirmed: bool = True


class Fine(Command, tag="fine"):
    member: Id
    amount: Amount
    reason: Text


@command(Eliminate, authority=any_member, refs={"target": "member", "hotel": "hotel"})
def decide_eliminate(state: State, cmd: Eliminate, draft: Draft) -> list[Event] | Refusal:
    if state.members[cmd.target].deceased:  # LIFE-2
        return refuse("LIFE-2", f"{cmd.target} is deceased already")
    if cmd.target == cmd.by:  # LIFE-3
        return refuse("LIFE-3", f"{cmd.by} cannot eliminate themselves")
    hotel = state.hotels.get(cmd.hotel) if cmd.hotel else None
    consecrated = hotel is not None and hotel.consecrated
    events = [
        draft.event(
            MemberEliminated,
            target=cmd.target,
            confirmed=cmd.confirmed,
            hotel=cmd.hotel,
            consecrated=consecrated,
        )
    ]
    if consecrated:  # HOTEL-2: not prevented, recorded
        events.append(draft.event(BreachRecorded, member=cmd.by, rule="HOTEL-2", place=cmd.hotel))
    if cmd.confirmed:
        events += void_markers_of(state, cmd.target, draft)
    return events


@command(
    Fine,
    authority=offices("adjudicator", rule="ROLE-1"),
    refs={"member": "member"},
    parties=("member",),
)
def decide_fine(state: State, cmd: Fine, draft: Draft) -> list[Event] | Refusal:
    return (
        check_positive(cmd.amount, "amount")
        or check_covered(state, cmd.member, cmd.amount, "fine")
        or [draft.event(Fined, member=cmd.member, amount=cmd.amount, reason=cmd.reason)]
    )


@applies(MemberEliminated)
def apply_member_eliminated(state: State, event: MemberEliminated) -> None:
    death = Death(
        by=event.by,
        at=event.at,
        confirmed=event.confirmed,
        hotel=event.hotel,
        consecrated=event.consecrated,
    )
    life = "deceased" if event.confirmed else "presumed_dead"
    update(state.members, event.target, life=life, death=death)


@applies(Fined)
def apply_fined(state: State, event: Fined) -> None:
    move_balance(state, event.member, -event.amount)
    move_balance(state, TABLE, event.amount)
