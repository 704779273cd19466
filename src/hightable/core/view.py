"""§14: the view of a world as one JSON document, and dotted paths into it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import NamedTuple, TypeVar

from hightable.core.events import Event
from hightable.core.state import (
    Alliance,
    Contract,
    Duel,
    Family,
    Hotel,
    Marker,
    Member,
    Parlay,
    State,
    Terms,
    bounty_on,
)

Document = dict[str, object]  # a JSON object
LIVE_MARKER_STATES = ("sworn", "invoked")  # a debt still owed: the page draws it
T = TypeVar("T")
Entry = Callable[[State, str, T], Document]


class Section(NamedTuple):
    """A section of the view: the state's table, and the entry of one object it holds."""

    table: Callable[[State], Mapping[str, object]]
    entry: Callable[[State, str], Document]


SECTIONS: dict[str, Section] = {}


def section(name: str, table: Callable[[State], Mapping[str, T]]) -> Callable[[Entry[T]], Entry[T]]:
    """Register how one object of `table` reads in the view's section `name`."""

    def register(entry: Entry[T]) -> Entry[T]:
        def entry_of(state: State, object_id: str) -> Document:
            return entry(state, object_id, table(state)[object_id])

        SECTIONS[name] = Section(table, entry_of)
        return entry

    return register


def known_events(events: Iterable[Event], state: State) -> list[Event]:
    """The events of a log up to the state's clock: what a reading as of that instant knows."""
    return [event for event in events if event.at <= state.clock]


def view(state: State) -> Document:
    document = header(state)
    for name in SECTIONS:
        document[name] = section_view(state, name)
    return document


def view_page(state: State, offset: int, limit: int, names: Iterable[str] = ()) -> Document:
    """The view a page at a time: the header, and in each section (or in each of `names`) its
    entries from the `offset`-th, at most `limit`, in the state's order, in which a new object
    comes last (so pages read one after another never skip one). `next_offset` names the next
    page while any section holds more, else null."""
    document = {} if names else header(state)
    more = False
    for name in names or SECTIONS:
        table, entry = SECTIONS[name]
        objects = table(state)
        page = islice(objects, offset, offset + limit)
        document[name] = {object_id: entry(state, object_id) for object_id in page}
        more = more or len(objects) > offset + limit
    document["next_offset"] = offset + limit if more else None
    return document


def header(state: State) -> Document:
    return {
        "world": state.world,
        "start": state.start,
        "clock": state.clock,
        "supply": state.supply,
        "treasury": state.treasury,
        "escrow": state.escrow,
    }


def section_view(state: State, name: str) -> Document:
    table, entry = SECTIONS[name]
    return {object_id: entry(state, object_id) for object_id in table(state)}


def view_at(state: State, path: str) -> object:
    """The view at a dotted path, building only what the path reaches: one member's entry
    costs that entry, not the whole world's document."""
    name, _, rest = path.partition(".")
    if name not in SECTIONS:
        return lookup(header(state), path) if name in header(state) else lookup(view(state), path)
    if not rest:
        return section_view(state, name)
    table, entry = SECTIONS[name]
    object_id = rest.partition(".")[0]
    if object_id not in table(state):
        return lookup({name: table(state)}, f"{name}.{object_id}")  # its error names the path
    return lookup({name: {object_id: entry(state, object_id)}}, path)


@section("members", lambda state: state.members)
def members_entry(state: State, member_id: str, member: Member) -> Document:
    return {
        "name": member.name,
        "status": member.status,
        "excommunicado_from": member.excommunicado_from,
        "excommunicado_pending_until": pending_until(state, member),
        "family": member.family,
        "recruit_of": member.recruit_of,
        "offices": list(member.offices),
        "in_service": member.in_service,
        "balance": state.balances.get(member_id, 0),
        "bounty": bounty_on(state, member_id),
        "breaches": list(member.breaches),
    }


def pending_until(state: State, member: Member) -> str | None:
    """The instant an excommunicado declared but still in its grace takes effect, else None."""
    starts = member.excommunicado_from
    return starts if member.status == "active" and starts and starts > state.clock else None


@section("hotels", lambda state: state.hotels)
def hotels_entry(state: State, hotel_id: str, hotel: Hotel) -> Document:
    return {
        "name": hotel.name,
        "consecrated": hotel.consecrated,
        "open": hotel.open,
        "manager": hotel.manager,
        "balance": state.balances.get(hotel_id, 0),
    }


@section("contracts", lambda state: state.contracts)
def contracts_entry(state: State, contract_id: str, contract: Contract) -> Document:
    return {
        "state": contract.state,
        "client": contract.client,
        "target": contract.target,
        "bounty": contract.bounty,
        "open": contract.broadcast,
        "contractor": contract.contractor,
        "funded_by": contract.funded_by,
        "claimed_by": contract.claimed_by,
    }


@section("markers", lambda state: state.markers)
def markers_entry(state: State, marker_id: str, marker: Marker) -> Document:
    return {
        "state": marker.state,
        "debtor": marker.debtor,
        "holder": marker.holder,
        "hotel": marker.hotel,
        "favor": marker.favor,
        "live": marker.state in LIVE_MARKER_STATES,
    }


@section("families", lambda state: state.families)
def families_entry(state: State, family_id: str, family: Family) -> Document:
    return {
        "name": family.name,
        "head": family.head,
        "high_table": family.high_table,
        "members": list(family.members),
        "recruits": list(family.recruits),
    }


@section("terms", lambda state: state.terms)
def terms_entry(state: State, terms_id: str, terms: Terms) -> Document:
    return {
        "state": terms.state,
        "offerer": terms.offerer,
        "to": terms.to,
        "grants": list(terms.grants),
        "requires": list(terms.requires),
        "met": list(terms.met),
        "grant_on": terms.grant_on,
        "deadline": terms.deadline,
    }


@section("duels", lambda state: state.duels)
def duels_entry(state: State, duel_id: str, duel: Duel) -> Document:
    return {
        "state": duel.state,
        "challenger": duel.challenger,
        "challenged": duel.challenged,
        "place": duel.place,
        "hour": duel.hour,
        "terms": {outcome: list(grants) for outcome, grants in duel.terms.items()},
        "second": dict(duel.second),
        "stand_in": dict(duel.stand_in),
        "arrived": list(duel.arrived),
        "winner": duel.winner,
        "fallen": list(duel.fallen),
    }


@section("parlays", lambda state: state.parlays)
def parlays_entry(state: State, parlay_id: str, parlay: Parlay) -> Document:
    return {
        "state": parlay.state,
        "requester": parlay.requester,
        "adjudicator": parlay.adjudicator,
        "terms": parlay.terms,
    }


@section("alliances", lambda state: state.alliances)
def alliances_entry(state: State, alliance_id: str, alliance: Alliance) -> Document:
    return {
        "state": alliance.state,
        "proposer": alliance.proposer,
        "partner": alliance.partner,
        "purpose": alliance.purpose,
    }


_INDEX = re.compile(r"[0-9]{1,18}")  # ASCII digits: int() fails on "²" and reads "٣" as 3


class PathError(KeyError):
    """A dotted path that leads nowhere in the view."""

    def __str__(self) -> str:
        return str(self.args[0])


def lookup(document: object, path: str) -> object:
    """The value at a dotted path such as `members.john.status` (list items by index)."""
    value = document
    walked: list[str] = []
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and _INDEX.fullmatch(part) and int(part) < len(value):
            value = value[int(part)]
        else:
            where = ".".join(walked) or "the view"
            known = ", ".join(sorted(value)[:12]) if isinstance(value, dict) else ""
            hint = f" (it has: {known})" if known else ""
            raise PathError(f"no {part!r} in {where}{hint}")
        walked.append(part)
    return value
