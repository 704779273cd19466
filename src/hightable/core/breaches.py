"""Chapter 12, the sanctions' record: every breach is an event naming the rule, the member and
the place.

A breach is a rule broken but not prevented (EXCOM-3, HOTEL-2, MARKER-4, TERMS-3): the chapter
whose rule it is writes the event, and this module alone applies it. It imports no chapter, so
that every chapter may import it.
"""

from __future__ import annotations

from hightable.core.engine import applies
from hightable.core.events import Event, event_type
from hightable.core.state import State, update


@event_type
class BreachRecorded(Event, tag="breach_recorded"):
    """A rule broken but not prevented: the rule, the member, the place (§12)."""

    member: str
    rule: str
    place: str | None = None


@applies(BreachRecorded)
def apply_breach_recorded(state: State, event: BreachRecorded) -> None:
    member = state.members[event.member]
    update(state.members, event.member, breaches=member.breaches + (event.rule,))
    if event.place in state.hotels:  # HOTEL-3: the manager may cast out whoever breached here
        hotel = state.hotels[event.place]
        update(state.hotels, event.place, breached_by=hotel.breached_by + (event.member,))
