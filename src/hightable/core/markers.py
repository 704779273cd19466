"""Chapter 7: markers, the blood oaths (MARKER-1..6)."""

from __future__ import annotations

from hightable.core.authority import any_member
from hightable.core.breaches import BreachRecorded
from hightable.core.commands import Command, Id, Text, command
from hightable.core.engine import KINDS, Draft, applies
from hightable.core.events import Event, event_type
from hightable.core.rules import Refusal, refuse
from hightable.core.state import Marker, State, index_add, index_remove, update

KINDS["marker"] = lambda state: state.markers


@event_type
class MarkerSworn(Event, tag="marker_sworn"):
    marker: str
    holder: str
    hotel: str | None = None


@event_type
class MarkerInvoked(Event, tag="marker_invoked"):
    marker: str
    favor: str


@event_type
class MarkerHonored(Event, tag="marker_honored"):
    marker: str


@event_type
class MarkerRefused(Event, tag="marker_refused"):
    marker: str


@event_type
class MarkerVoided(Event, tag="marker_voided"):
    marker: str
    member: str  # the party whose death voids it


class SwearMarker(Command, tag="swear_marker"):
    marker: Id
    holder: Id
    hotel: Id | None = None


class InvokeMarker(Command, tag="invoke_marker"):
    marker: Id
    favor: Text


class HonorMarker(Command, tag="honor_marker"):
    marker: Id


class RefuseMarker(Command, tag="refuse_marker"):
    marker: Id


MARKER = {"marker": "marker"}


def void_markers_of(state: State, member_id: str, draft: Draft) -> list[Event]:
    """MARKER-5: the markers a member held or owed die with them."""
    return [
        draft.event(MarkerVoided, marker=marker_id, member=member_id)
        for marker_id in state.live_markers.get(member_id, ())
    ]


def check_not_void(marker_id: str, marker: Marker) -> Refusal | None:
    if marker.state == "void":  # MARKER-5
        return refuse("MARKER-5", f"{marker_id} is void: a party to it is dead")
    return None


@command(
    SwearMarker,
    authority=any_member,
    creates=("marker", "marker"),
    refs={"holder": "member", "hotel": "hotel"},
    parties=("holder",),
)
def decide_swear_marker(state: State, cmd: SwearMarker, draft: Draft) -> list[Event] | Refusal:
    if cmd.holder == cmd.by:  # MARKER-6
        return refuse("MARKER-6", f"{cmd.by} cannot swear a marker to themselves")
    return [draft.event(MarkerSworn, marker=cmd.marker, holder=cmd.holder, hotel=cmd.hotel)]


@command(InvokeMarker, authority=any_member, refs=MARKER)
def decide_invoke_marker(state: State, cmd: InvokeMarker, draft: Draft) -> list[Event] | Refusal:
    marker = state.markers[cmd.marker]
    if cmd.by != marker.holder:  # MARKER-1
        return refuse("MARKER-1", f"only {marker.holder}, the holder, may invoke {cmd.marker}")
    refusal = check_not_void(cmd.marker, marker)
    if refusal:
        return refusal
    if marker.state != "sworn":  # MARKER-2
        return refuse("MARKER-2", f"{cmd.marker} is {marker.state} already")
    return [draft.event(MarkerInvoked, marker=cmd.marker, favor=cmd.favor)]


@command(HonorMarker, authority=any_member, refs=MARKER)
def decide_honor_marker(state: State, cmd: HonorMarker, draft: Draft) -> list[Event] | Refusal:
    marker = state.markers[cmd.marker]
    if cmd.by != marker.holder:  # MARKER-3
        return refuse(
            "MARKER-3", f"only {marker.holder}, the holder, may declare {cmd.marker} honored"
        )
    refusal = check_not_void(cmd.marker, marker)
    if refusal:
        return refusal
    if marker.state != "invoked":  # MARKER-3
        return refuse("MARKER-3", f"{cmd.marker} is {marker.state}, not invoked")
    return [draft.event(MarkerHonored, marker=cmd.marker)]


@command(RefuseMarker, authority=any_member, refs=MARKER)
def decide_refuse_marker(state: State, cmd: RefuseMarker, draft: Draft) -> list[Event] | Refusal:
    marker = state.markers[cmd.marker]
    if cmd.by != marker.debtor:  # MARKER-4
        return refuse("MARKER-4", f"only {marker.debtor}, the debtor, may refuse {cmd.marker}")
    refusal = check_not_void(cmd.marker, marker)
    if refusal:
        return refusal
    if marker.state != "invoked":  # MARKER-4
        return refuse("MARKER-4", f"{cmd.marker} is {marker.state}, not invoked")
    return [
        draft.event(MarkerRefused, marker=cmd.marker),
        draft.event(BreachRecorded, member=cmd.by, rule="MARKER-4", place=marker.hotel),
    ]


@applies(MarkerSworn)
def apply_marker_sworn(state: State, event: MarkerSworn) -> None:
    state.markers[event.marker] = Marker(debtor=event.by, holder=event.holder, hotel=event.hotel)
    # In the parties' order, not a set's: a set's order changes with the process's string
    # hashes, and the index's order is part of the state a seal vouches for (CHAIN-2).
    for party in dict.fromkeys((event.by, event.holder)):
        index_add(state.live_markers, party, event.marker)


def _settle(state: State, marker_id: str, new_state: str) -> None:
    """The marker can no longer be called on: it leaves its parties' index."""
    update(state.markers, marker_id, state=new_state)
    marker = state.markers[marker_id]
    for party in dict.fromkeys((marker.debtor, marker.holder)):
        index_remove(state.live_markers, party, marker_id)


@applies(MarkerInvoked)
def apply_marker_invoked(state: State, event: MarkerInvoked) -> None:
    update(state.markers, event.marker, state="invoked", favor=event.favor)


@applies(MarkerHonored)
def apply_marker_honored(state: State, event: MarkerHonored) -> None:
    _settle(state, event.marker, "honored")


@applies(MarkerRefused)
def apply_marker_refused(state: State, event: MarkerRefused) -> None:
    _settle(state, event.marker, "refused")


@applies(MarkerVoided)
def apply_marker_voided(state: State, event: MarkerVoided) -> None:
    _settle(state, event.marker, "void")
