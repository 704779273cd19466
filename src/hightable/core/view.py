"""§14: the view of a world as one JSON document, and dotted paths into it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hightable.core.state import State, bounty_on

SECTIONS: dict[str, Callable[[State], dict[str, Any]]] = {}


def section(
    name: str,
) -> Callable[[Callable[[State], dict[str, Any]]], Callable[[State], dict[str, Any]]]:
    def register(build: Callable[[State], dict[str, Any]]) -> Callable[[State], dict[str, Any]]:
        SECTIONS[name] = build
        return build

    return register


def view(state: State) -> dict[str, Any]:
    document: dict[str, Any] = {
        "world": state.world,
        "start": state.start,
        "clock": state.clock,
        "supply": state.supply,
        "treasury": state.treasury,
        "escrow": state.escrow,
    }
    for name, build in SECTIONS.items():
        document[name] = build(state)
    return document


@section("members")
def members_view(state: State) -> dict[str, Any]:
    return {
        member_id: {
            "name": member.name,
            "status": member.status,
            "excommunicado_from": member.excommunicado_from,
            "family": member.family,
            "recruit_of": member.recruit_of,
            "offices": list(member.offices),
            "in_service": member.in_service,
            "balance": state.balances.get(member_id, 0),
            "bounty": bounty_on(state, member_id),
            "breaches": list(member.breaches),
        }
        for member_id, member in state.members.items()
    }


@section("hotels")
def hotels_view(state: State) -> dict[str, Any]:
    return {
        hotel_id: {
            "name": hotel.name,
            "consecrated": hotel.consecrated,
            "open": hotel.open,
            "manager": hotel.manager,
            "balance": state.balances.get(hotel_id, 0),
        }
        for hotel_id, hotel in state.hotels.items()
    }


@section("contracts")
def contracts_view(state: State) -> dict[str, Any]:
    return {
        contract_id: {
            "state": contract.state,
            "client": contract.client,
            "target": contract.target,
            "bounty": contract.bounty,
            "open": contract.open,
            "contractor": contract.contractor,
            "funded_by": contract.funded_by,
            "claimed_by": contract.claimed_by,
        }
        for contract_id, contract in state.contracts.items()
    }


@section("markers")
def markers_view(state: State) -> dict[str, Any]:
    return {
        marker_id: {
            "state": marker.state,
            "debtor": marker.debtor,
            "holder": marker.holder,
            "hotel": marker.hotel,
            "favor": marker.favor,
        }
        for marker_id, marker in state.markers.items()
    }


@section("families")
def families_view(state: State) -> dict[str, Any]:
    return {
        family_id: {
            "name": family.name,
            "head": family.head,
            "high_table": family.high_table,
            "members": list(family.members),
            "recruits": list(family.recruits),
        }
        for family_id, family in state.families.items()
    }


@section("terms")
def terms_view(state: State) -> dict[str, Any]:
    return {
        terms_id: {
            "state": terms.state,
            "offerer": terms.offerer,
            "to": terms.to,
            "grants": list(terms.grants),
            "requires": list(terms.requires),
            "met": list(terms.met),
            "grant_on": terms.grant_on,
            "deadline": terms.deadline,
        }
        for terms_id, terms in state.terms.items()
    }


@section("duels")
def duels_view(state: State) -> dict[str, Any]:
    return {
        duel_id: {
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
        for duel_id, duel in state.duels.items()
    }


@section("parlays")
def parlays_view(state: State) -> dict[str, Any]:
    return {
        parlay_id: {
            "state": parlay.state,
            "requester": parlay.requester,
            "adjudicator": parlay.adjudicator,
            "terms": parlay.terms,
        }
        for parlay_id, parlay in state.parlays.items()
    }


@section("alliances")
def alliances_view(state: State) -> dict[str, Any]:
    return {
        alliance_id: {
            "state": alliance.state,
            "proposer": alliance.proposer,
            "partner": alliance.partner,
            "purpose": alliance.purpose,
        }
        for alliance_id, alliance in state.alliances.items()
    }


class PathError(KeyError):
    """A dotted path that leads nowhere in the view."""

    def __str__(self) -> str:
        return str(self.args[0])


def lookup(document: Any, path: str) -> Any:
    """The value at a dotted path such as `members.john.status` (list items by index)."""
    value = document
    walked: list[str] = []
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            where = ".".join(walked) or "the view"
            known = ", ".join(sorted(value)[:12]) if isinstance(value, dict) else ""
            hint = f" (it has: {known})" if known else ""
            raise PathError(f"no {part!r} in {where}{hint}")
        walked.append(part)
    return value
