"""The storm's moves where the rules meet most: terms offered and answered (grants and
requirements drawn from what the world holds, so that two terms grant the same thing), duels
challenged, sanctioned and fought, parlays and alliances."""

from __future__ import annotations

from hightable.core import State
from hightable.core.state import Duel
from hightable.storm.dice import (
    Dice,
    Move,
    actor,
    living,
    new_id,
    officers,
    one_of,
    someone,
    soon,
)
from hightable.storm.shapes import Fields

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
