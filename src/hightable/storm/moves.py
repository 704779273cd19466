"""The storm's moves: commands drawn after reading the live world, so that the terms offered to
John are accepted by John, a second offer copies the grants of the first, a claim comes from
the member who made the kill. Random commands alone are mostly refused at the door; these reach
the rules where two grants, two deadlines or two contracts meet.

Each move makes `(actor, fields)` from its dice; the actor is the lawful one most of the time,
anyone else sometimes, so that the refusals stay in the mix. Every choice comes from one
`random.Random`, and every set or table is read in sorted order: a seed gives the same moves on
any machine."""

from __future__ import annotations

from collections.abc import Callable

from hightable.core import State
from hightable.core.state import Contract
from hightable.storm.bargains import answer_terms, duels, offer, parley
from hightable.storm.dice import (
    Dice,
    Move,
    actor,
    beyond,
    minutes_until,
    new_id,
    officers,
    one_of,
    someone,
    soon,
)
from hightable.storm.shapes import Fields

# -- Moves, one per chapter or so ------------------------------------------------------------


def coins(dice: Dice, state: State) -> Move:
    """Mint to a member, or pay: often an offerer whose accepted terms ask for coins, so that
    one transfer may meet two `pay` requirements."""
    if dice.chance(25):
        return "table", {
            "do": "mint",
            "to": someone(dice, state),
            "amount": dice.integer(1, 40),
        }
    owed = [
        (t.to, t.offerer, r["pay"])
        for t in state.terms.values()
        if t.state == "accepted"
        for r in t.requires
        if isinstance(r, dict) and "pay" in r
    ]
    if owed and dice.chance(70):
        payer, to, amount = dice.pick(owed)
        amount += dice.integer(0, 4)
    else:
        payer, to, amount = (
            someone(dice, state),
            dice.pick([*dice.cast.names, *dice.cast.hotels]),
            dice.integer(1, 20),
        )
    return actor(dice, payer), {"do": "transfer", "to": to, "amount": amount}


def contracts(dice: Dice, state: State) -> Move:
    """Post on a member already marked, raise, claim by the killer, cancel by the client."""
    which = dice.pick(["post", "post", "raise", "claim", "cancel"])
    if which == "post":
        targets = [c.target for c in state.contracts.values() if c.state == "open"]
        targets += protected(state)
        target = dice.pick(targets) if targets and dice.chance(70) else someone(dice, state)
        fields: Fields = {
            "do": "post_contract",
            "target": target,
            "contract": new_id(dice, dice.cast.contracts, state.contracts),
            "bounty": dice.integer(1, 15),
        }
        if dice.chance(25):
            fields["funded_by"] = "table"
            return actor(dice, dice.cast.seat), fields
        if dice.chance(15):
            fields |= {"open": False, "contractor": someone(dice, state)}
        return actor(dice, someone(dice, state)), fields

    def wanted(contract: Contract) -> bool:
        dead = contract.target in state.members and state.members[contract.target].deceased
        return bool(contract.state == "open" and (dead or which != "claim"))

    contract_id = one_of(dice, state.contracts, dice.cast.contracts, wanted)
    if contract_id not in state.contracts or not wanted(state.contracts[contract_id]):
        contract_id = one_of(
            dice, state.contracts, dice.cast.contracts, lambda c: c.state == "open"
        )
    contract = state.contracts.get(contract_id)
    if which == "raise":
        lawful = [contract.client, dice.cast.seat] if contract else []
        fields = {"do": "raise_bounty", "contract": contract_id, "amount": dice.integer(1, 9)}
        return actor(dice, *lawful), fields
    if which == "claim":
        death = state.members[contract.target].death if contract else None
        return actor(dice, death.by if death else None), {
            "do": "claim_contract",
            "contract": contract_id,
        }
    return actor(dice, contract.client if contract else None), {
        "do": "cancel_contract",
        "contract": contract_id,
    }


def protected(state: State) -> list[str]:
    """Members whom open terms or duels would free of contracts."""
    written = [
        g for t in state.terms.values() if t.state in ("offered", "accepted") for g in t.grants
    ]
    written += [
        g
        for d in state.duels.values()
        if d.state != "resolved"
        for grants in d.terms.values()
        for g in grants
    ]
    return [
        g["cancel_contracts_on"]
        for g in written
        if isinstance(g, dict) and "cancel_contracts_on" in g
    ]


def kill(dice: Dice, state: State) -> Move:
    """An elimination: often of a member named in open requirements or contracts, sometimes on
    consecrated ground, sometimes unconfirmed."""
    wanted = [
        r["eliminate"]
        for t in state.terms.values()
        if t.state == "accepted"
        for r in t.requires
        if isinstance(r, dict) and "eliminate" in r
    ]
    wanted += [c.target for c in state.contracts.values() if c.state == "open"]
    target = dice.pick(wanted) if wanted and dice.chance(70) else someone(dice, state)
    hunters = [t.to for t in state.terms.values() if t.state == "accepted"]
    by = dice.pick(hunters) if hunters and dice.chance(60) else someone(dice, state)
    fields: Fields = {"do": "eliminate", "target": target, "confirmed": dice.chance(85)}
    if dice.chance(30):
        fields["hotel"] = dice.pick(dice.cast.hotels)
    return actor(dice, by), fields


def excommunication(dice: Dice, state: State) -> Move:
    """Cast out with a grace ending where another deadline falls; aid the cast out; fine."""
    which = dice.pick(["excommunicate", "excommunicate", "aid", "fine"])
    cast_out = [m for m, member in state.members.items() if member.excommunicado_from]
    if which == "aid":
        member = dice.pick(cast_out) if cast_out and dice.chance(80) else someone(dice, state)
        return actor(dice, someone(dice, state)), {"do": "aid", "member": member, "help": "h"}
    if which == "fine":
        fields = {
            "do": "fine",
            "member": someone(dice, state),
            "amount": dice.integer(1, 9),
            "reason": "r",
        }
        return actor(dice, dice.cast.adjudicator), fields
    grace = minutes_until(state, soon(dice, state)) if dice.chance(70) else dice.integer(0, 30)
    managers = [h.manager for h in state.hotels.values() if h.manager]
    fields = {"do": "excommunicate", "member": someone(dice, state), "grace": grace, "reason": "r"}
    if managers and dice.chance(20):
        fields["hotel"] = dice.pick(dice.cast.hotels)
        return actor(dice, *managers), fields
    return actor(dice, *officers(dice, state)), fields


def hotels(dice: Dice, state: State) -> Move:
    """Deconsecrate and consecrate again, replace and relieve managers, use and close."""
    hotel = dice.pick(dice.cast.hotels) if dice.chance(30) else dice.cast.hotels[0]
    which = dice.pick(
        [
            "deconsecrate",
            "consecrate",
            "appoint_manager",
            "appoint_manager",
            "relieve_manager",
            "use_service",
            "open_hotel",
            "close_hotel",
        ],
    )
    fields: Fields = {"do": which, "hotel": hotel}
    if which == "consecrate":
        return actor(dice, "table"), fields
    if which == "open_hotel":
        return actor(dice, "table"), fields | {"name": "A Hotel", "manager": someone(dice, state)}
    if which == "appoint_manager":
        return actor(dice, "table", *officers(dice, state)), fields | {
            "member": someone(dice, state)
        }
    if which == "use_service":
        fields |= {"service": "doctor", "price": dice.integer(1, 9)}
        return actor(dice, someone(dice, state)), fields
    if which == "close_hotel" and dice.chance(70):
        which, fields["do"] = "deconsecrate", "deconsecrate"  # closing ends a hotel's story
    return actor(dice, *officers(dice, state)), fields


def markers(dice: Dice, state: State) -> Move:
    """Swear markers between the living, invoke, honor and refuse them; deaths void them."""
    which = dice.pick(["swear", "swear", "invoke", "honor", "refuse"])
    if which == "swear":
        fields = {
            "do": "swear_marker",
            "marker": new_id(dice, dice.cast.markers, state.markers),
            "holder": someone(dice, state),
        }
        if dice.chance(30):
            fields["hotel"] = dice.pick(dice.cast.hotels)
        return actor(dice, someone(dice, state)), fields
    marker_id = one_of(
        dice, state.markers, dice.cast.markers, lambda m: m.state in ("sworn", "invoked")
    )
    marker = state.markers.get(marker_id)
    fields = {"do": f"{which}_marker", "marker": marker_id}
    if which == "invoke":
        fields["favor"] = "f"
    party = (marker.debtor if which == "refuse" else marker.holder) if marker else None
    return actor(dice, party), fields


def families(dice: Dice, state: State) -> Move:
    """Found a second family, admit, exile and admit again, enroll and graduate recruits."""
    which = dice.pick(["admit", "admit", "exile", "enroll", "graduate", "found", "name_head"])
    family_id = dice.pick(dice.cast.families) if dice.chance(40) else dice.cast.families[0]
    family = state.families.get(family_id)
    head = family.head if family else None
    member = someone(dice, state)
    if which == "exile" and family and family.members and dice.chance(70):
        member = dice.pick(family.members + family.recruits)
    if which == "graduate" and family and family.recruits and dice.chance(70):
        member = dice.pick(family.recruits)
    if which == "found":
        fields = {
            "do": "found_family",
            "family": family_id,
            "name": "F",
            "head": member,
            "high_table": dice.chance(70),
        }
        return actor(dice, "table"), fields
    if which == "name_head":
        return actor(dice, "table", dice.cast.adjudicator), {
            "do": "name_head",
            "family": family_id,
            "head": member,
        }
    return actor(dice, head), {"do": which, "family": family_id, "member": member}


def newcomer(dice: Dice, state: State) -> Move:
    """Fresh blood: a newcomer registered, or an office given."""
    if dice.chance(60):
        unregistered = [m for m in dice.cast.newcomers if m not in state.members]
        unregistered = unregistered or [beyond(["newcomer-1"], state.members)]
        member = dice.pick(unregistered if dice.chance(90) else dice.cast.names)
        return actor(dice, "table"), {"do": "register", "member": member, "name": "N"}
    fields = {
        "do": "appoint",
        "member": someone(dice, state),
        "office": dice.pick(["seat", "elder", "adjudicator"]),
    }
    return actor(dice, "table"), fields


# Weights of the moves: the chapters where rules meet come up most.
MOVES: dict[str, Callable[[Dice, State], Move]] = {
    "coins": coins,
    "contracts": contracts,
    "kill": kill,
    "excommunication": excommunication,
    "hotels": hotels,
    "markers": markers,
    "families": families,
    "offer": offer,
    "answer_terms": answer_terms,
    "duels": duels,
    "parley": parley,
    "newcomer": newcomer,
}
MOVE_WEIGHTS = {
    "coins": 1,
    "contracts": 4,
    "kill": 1,
    "excommunication": 2,
    "hotels": 2,
    "markers": 1,
    "families": 2,
    "offer": 3,
    "answer_terms": 4,
    "duels": 3,
    "parley": 1,
    "newcomer": 1,
}
