"""The storm's moves: commands drawn after reading the live world, so that the terms offered to
John are accepted by John, a second offer copies the grants of the first, a claim comes from
the member who made the kill. Random commands alone are mostly refused at the door; these reach
the rules where two grants, two deadlines or two contracts meet.

Each move makes `(actor, fields)` from its dice; the actor is the lawful one most of the time,
anyone else sometimes, so that the refusals stay in the mix. Every choice comes from one
`random.Random`, and every set or table is read in sorted order: a seed gives the same moves on
any machine."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection, Mapping
from typing import TypeVar

from hightable.core import State
from hightable.core.instants import add_minutes, to_datetime
from hightable.core.state import Contract, Duel
from hightable.storm.cast import Cast
from hightable.storm.shapes import Fields

T = TypeVar("T")

Move = tuple[str, Fields]


class Dice:
    """The choices of a storm, all from one seeded generator, with the cast they choose among."""

    def __init__(self, rng: random.Random, cast: Cast):
        self.rng, self.cast = rng, cast

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent

    def pick(self, options: Collection[T]) -> T:
        """One of the options; a set or a table's keys in sorted order, so that a run replays."""
        listed = options if isinstance(options, list) else sorted(options, key=str)
        return listed[self.rng.randrange(len(listed))]

    def some(self, options: list[T], most: int) -> list[T]:
        return [self.pick(options) for _ in range(self.integer(0, most))]

    def weighted(self, weights: dict[str, int]) -> str:
        """A key, as likely as its weight (integers: no float sums that differ by platform)."""
        roll = self.rng.randrange(sum(weights.values()))
        for key, weight in weights.items():
            roll -= weight
            if roll < 0:
                return key
        raise AssertionError("a roll below the total falls on a key")


def actor(dice: Dice, *lawful: str | None) -> str:
    """The lawful actor mostly; anyone (the table included) otherwise."""
    known = [who for who in lawful if who is not None]
    return str(dice.pick(known if known and dice.chance(88) else dice.cast.actors))


def living(dice: Dice, state: State) -> list[str]:
    return [m for m, member in state.members.items() if not member.deceased] or dice.cast.names


def someone(dice: Dice, state: State) -> str:
    """A living member mostly; now and then the dead or a name never registered."""
    return str(dice.pick(living(dice, state) if dice.chance(93) else dice.cast.names))


def new_id(dice: Dice, pool: list[str], taken: Collection[str]) -> str:
    """A fresh id mostly (past the pool once it is used up: a long storm keeps making new
    things), one taken already sometimes."""
    fresh = [i for i in pool if i not in taken] or [beyond(pool, taken)]
    return str(dice.pick(fresh if dice.chance(85) else pool))


def beyond(pool: list[str], taken: Collection[str]) -> str:
    """The first id of the pool's form that is not taken: `c9` after `c1`..`c8`."""
    stem = pool[0].rstrip("0123456789")
    return next(
        f"{stem}{n}"
        for n in range(len(pool) + 1, len(taken) + len(pool) + 2)
        if f"{stem}{n}" not in taken
    )


def one_of(dice: Dice, table: Mapping[str, T], pool: list[str], keep: Callable[[T], bool]) -> str:
    """An object of the table that `keep` likes, else any id of the pool."""
    liked = [i for i, found in table.items() if keep(found)]
    return str(dice.pick(liked if liked and dice.chance(95) else pool))


def minutes_until(state: State, instant: str) -> int:
    delta = to_datetime(instant) - to_datetime(state.clock)
    return max(0, int(delta.total_seconds() // 60))


def soon(dice: Dice, state: State) -> str:
    """An instant ahead: often one a deadline already falls at, so that several fall at once."""
    ahead = [d for d in state.deadlines.values() if d > state.clock]
    if ahead and dice.chance(50):
        return str(dice.pick(ahead))
    return add_minutes(state.clock, dice.pick([15, 30, 60, 120, 240]))


# -- Grants and requirements drawn from what the world holds --------------------------------


def grant(dice: Dice, state: State, to: str) -> object:
    """A grant that often names what is so already: the recipient's family, the manager in
    office, a consecrated hotel, the target of open contracts, the long dead."""
    kind = dice.pick(["lift", "admit", "cancel", "manager", "consecrate"])
    member = state.members.get(to)
    if kind == "lift":
        return "lift_excommunicado"
    if kind == "admit":
        own = member.family if member and member.family and dice.chance(50) else None
        return {"admit": own or dice.pick(dice.cast.families)}
    if kind == "cancel":
        targets = [c.target for c in state.contracts.values() if c.state == "open"]
        target = dice.pick(targets) if targets and dice.chance(80) else someone(dice, state)
        return {"cancel_contracts_on": target}
    hotel = dice.pick(state.hotels or dice.cast.hotels)
    if kind == "consecrate":
        return {"consecrate": hotel}
    manager = state.hotels[hotel].manager if hotel in state.hotels else None
    chosen = manager if manager and dice.chance(50) else someone(dice, state)
    return {"restore_manager": {"member": chosen, "hotel": hotel}}


def requirement(dice: Dice, state: State, to: str) -> object:
    kind = dice.pick(["eliminate", "fealty", "fealty", "pay"])
    if kind == "fealty":
        return "swear_fealty"
    if kind == "pay":
        return {"pay": dice.integer(1, 8)}
    return {"eliminate": dice.pick([m for m in living(dice, state) if m != to] or dice.cast.names)}


def grants_for(dice: Dice, state: State, to: str) -> list[object]:
    """Grants for `to`: often those of terms or a duel already open to them, again."""
    open_to = [
        list(t.grants) for t in state.terms.values() if t.to == to and t.state != "expired"
    ] + [
        list(grants)
        for d in state.duels.values()
        if d.state != "resolved" and to in (d.challenger, d.challenged)
        for grants in d.terms.values()
    ]
    copied = dice.pick([g for g in open_to if g] or [[]]) if dice.chance(60) else []
    fresh = [grant(dice, state, to) for _ in range(dice.integer(0 if copied else 1, 2))]
    grants = copied + fresh
    if grants and dice.chance(25):  # the same grant twice in one list
        grants.append(dice.pick(grants))
    return grants


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


def offer(dice: Dice, state: State) -> Move:
    """Terms to a member who often has terms already, granting what those grant again."""
    holders = [t.to for t in state.terms.values() if t.state in ("offered", "accepted")]
    to = dice.pick(holders) if holders and dice.chance(75) else someone(dice, state)
    requires = [requirement(dice, state, to) for _ in range(dice.integer(0, 2))]
    twins = [list(t.requires) for t in state.terms.values() if t.to == to and t.requires]
    if twins and dice.chance(60):
        requires = dice.pick(twins)
    fields: Fields = {
        "do": "offer_terms",
        "terms": new_id(dice, dice.cast.terms, state.terms),
        "to": to,
        "grants": grants_for(dice, state, to),
        "requires": requires,
        "grant_on": dice.pick(["accept", "fulfil"]),
    }
    if dice.chance(50):
        fields["deadline"] = soon(dice, state)
    open_to = [t for t in state.terms.values() if t.to == to and t.state == "accepted"]
    if open_to and dice.chance(40):  # twin terms: one command will meet both
        twin = dice.pick(open_to)
        fields |= {
            "grants": list(twin.grants),
            "requires": list(twin.requires),
            "grant_on": twin.grant_on,
            "offerer": twin.offerer,
        }
        return actor(dice, fields.pop("offerer")), fields
    heads = [f.head for f in state.families.values()]
    if heads and dice.chance(15):  # a head may offer admission to their own family alone
        by = dice.pick(heads)
        fields["grants"] = [{"admit": next(i for i, f in state.families.items() if f.head == by)}]
        return actor(dice, by), fields
    return actor(dice, *officers(dice, state, but=to)), fields


def officers(dice: Dice, state: State, but: str | None = None) -> list[str]:
    """The living holders of the Table's offices (the cast's, when none is left)."""
    holders = [
        m
        for m, member in state.members.items()
        if member.offices and not member.deceased and m != but
    ]
    return holders or dice.cast.officers


def answer_terms(dice: Dice, state: State) -> Move:
    """Accept (terms of a member who holds accepted terms first), renounce, or swear the
    fealty that accepted terms require; with nothing offered, offer."""
    offered = [i for i, t in state.terms.items() if t.state == "offered"]
    accepted = [i for i, t in state.terms.items() if t.state == "accepted"]
    which = dice.pick(["accept", "accept", "renounce", "fealty", "fealty"])
    if which == "fealty" and accepted:
        sworn = [state.terms[i].to for i in accepted]
        return actor(dice, *sworn), {"do": "swear_fealty"}
    if which == "renounce" and (accepted or offered) and dice.chance(90):
        terms_id = dice.pick(accepted if accepted and dice.chance(80) else offered or accepted)
    elif offered and dice.chance(95):
        which = "accept"
        holding = [i for i in offered if state.terms[i].to in state.accepted]
        terms_id = dice.pick(holding if holding and dice.chance(70) else offered)
    else:
        return offer(dice, state)
    fields = {"do": f"{which}_terms", "terms": terms_id}
    return actor(dice, state.terms[terms_id].to), fields


def duel_parties(state: State, duel_id: str) -> list[str]:
    duel = state.duels.get(duel_id)
    if duel is None:
        return []
    return [duel.challenger, duel.challenged, *duel.second.values(), *duel.stand_in.values()]


def fighters(duel: Duel) -> list[str]:
    return [
        duel.stand_in.get("challenger") or duel.challenger,
        duel.stand_in.get("challenged") or duel.challenged,
    ]


def duels(dice: Dice, state: State) -> Move:
    """Challenge a seat; sanction with grants like those of open terms; name seconds and
    stand-ins; arrive, or not; resolve at the hour with the fallen among the parties."""
    alive = {i: d for i, d in state.duels.items() if d.state != "resolved"}
    if not alive or dice.chance(10):
        return challenge(dice, state)
    duel_id = dice.pick(list(alive)) if dice.chance(95) else dice.pick(dice.cast.duels)
    duel = state.duels.get(duel_id)
    if duel is None or duel.state == "challenged":
        return sanction(dice, state, duel_id)
    if duel.hour and state.clock >= duel.hour and dice.chance(80):
        fields = {
            "do": "resolve_duel",
            "duel": duel_id,
            "fallen": dice.some(duel_parties(state, duel_id), 2),
            "winner": dice.pick(["challenger", "challenged"]),
        }
        return actor(dice, dice.cast.adjudicator, dice.cast.elder), fields
    which = dice.pick(["second", "stand_in", "arrive", "arrive"])
    if which == "arrive":
        return actor(dice, *fighters(duel)), {"do": "arrive", "duel": duel_id}
    role = "name_second" if which == "second" else "name_stand_in"
    fields = {"do": role, "duel": duel_id, "member": someone(dice, state)}
    return actor(dice, duel.challenger, duel.challenged), fields


def challenge(dice: Dice, state: State) -> Move:
    seats = [m for m, member in state.members.items() if "seat" in member.offices]
    high = [
        m
        for m, member in state.members.items()
        if member.family and state.families[member.family].high_table
    ]
    fields = {
        "do": "challenge",
        "duel": new_id(dice, dice.cast.duels, state.duels),
        "challenged": dice.pick(seats or dice.cast.names),
    }
    return actor(dice, *high), fields


def sanction(dice: Dice, state: State, duel_id: str) -> Move:
    """The winning side is granted what open terms grant the principal already, often."""
    duel = state.duels.get(duel_id)
    challenger, challenged = (
        (duel.challenger, duel.challenged) if duel else (dice.cast.members[0], dice.cast.seat)
    )
    fields = {
        "do": "sanction_duel",
        "duel": duel_id,
        "place": "Sacré-Cœur",
        "hour": soon(dice, state),
        "terms": {
            "challenger_wins": grants_for(dice, state, challenger),
            "challenged_wins": grants_for(dice, state, challenged),
        },
    }
    return actor(dice, dice.cast.adjudicator, dice.cast.elder), fields


def parley(dice: Dice, state: State) -> Move:
    """Ask the adjudicator for parlay, answer, conclude; ally, with the cast out too."""
    which = dice.pick(
        ["request", "grant", "deny", "conclude", "propose", "propose", "accept", "dissolve"]
    )
    if which == "request":
        fields = {
            "do": "request_parlay",
            "parlay": new_id(dice, dice.cast.parlays, state.parlays),
            "with": dice.cast.adjudicator if dice.chance(85) else someone(dice, state),
        }
        return actor(dice, someone(dice, state)), fields
    if which in ("grant", "deny", "conclude"):
        parlay_id = one_of(dice, state.parlays, dice.cast.parlays, lambda p: p.state != "concluded")
        parlay = state.parlays.get(parlay_id)
        lawful = (
            [parlay.requester, parlay.adjudicator]
            if which == "conclude" and parlay
            else [dice.cast.adjudicator]
        )
        return actor(dice, *lawful), {"do": f"{which}_parlay", "parlay": parlay_id}
    if which == "propose":
        cast_out = [m for m, member in state.members.items() if member.excommunicado_from]
        partner = dice.pick(cast_out) if cast_out and dice.chance(60) else someone(dice, state)
        fields = {
            "do": "propose_alliance",
            "alliance": new_id(dice, dice.cast.alliances, state.alliances),
            "purpose": "p",
            "with": partner,
        }
        return actor(dice, someone(dice, state)), fields
    alliance_id = one_of(
        dice, state.alliances, dice.cast.alliances, lambda a: a.state != "dissolved"
    )
    alliance = state.alliances.get(alliance_id)
    lawful = [alliance.partner] if alliance else []
    if which == "dissolve" and alliance:
        lawful.append(alliance.proposer)
    return actor(dice, *lawful), {"do": f"{which}_alliance", "alliance": alliance_id}


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
