"""Every event said as a sentence, for the page, the dossier and the log of the command line.

`sentence(event, state)` reads an event (its JSON fields, `type` among them) against a state that
knows the names it mentions: the members' and hotels' names, who offered which terms, who fought
which duel. Any state as of the event or later will do; an object it does not know is said by
its id. A breach is said as its breaker's, whoever's command recorded it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hightable.core.rules import RULES
from hightable.core.state import TABLE, State
from hightable.words import OFFICES, SERVICES, Fields, Words, coins, free, instant, listed

__all__ = ["SAYINGS", "SERVICES", "scene", "sentence", "with_sentences"]


def _terms_offered(e: Fields, w: Words) -> str:
    grants = listed([w.grant(g) for g in e.get("grants", [])] or ["nothing"])
    requires = [w.requirement(r) for r in e.get("requires", [])]
    said = f"{w.who(e['by'])} offered terms to {w.who(e['to'])}: {grants}"
    said += "; they must " + listed(requires) if requires else ", asking nothing"
    if e.get("deadline"):
        said += f", by {instant(e['deadline'])}"
    return said + (" (granted on acceptance)" if e.get("grant_on") == "accept" else "")


def _contract_posted(e: Fields, w: Words) -> str:
    said = f"{w.who(e['by'])} posted a contract on {w.who(e['target'])} for {coins(e['bounty'])}"
    if e.get("funded_by") == TABLE:
        said += ", paid from the Table's treasury"
    return said + (f", for {w.who(e['contractor'])} alone" if e.get("contractor") else "")


def _duel_sanctioned(e: Fields, w: Words) -> str:
    said = f"{w.who(e['by'])} sanctioned {w.duel(e['duel'])}, at {free(e['place'])}"
    said += f" on {instant(e['hour'])}"
    wins = (e.get("terms") or {}).get("challenger_wins") or []
    if wins:
        said += "; if the challenger wins: " + listed([w.grant(g) for g in wins])
    return said


def _duel_resolved(e: Fields, w: Words) -> str:
    winner = e.get("winner")
    said = f"{w.duel(e['duel'])} is over: " + (
        f"{w.principal(e['duel'], winner)} won" if winner else "both sides forfeited"
    )
    if e.get("fallen"):  # each once, though a command may name one twice
        said += "; fallen: " + listed([w.who(m) for m in dict.fromkeys(e["fallen"])])
    return said


def _eliminated(e: Fields, w: Words) -> str:
    verb = "killed" if e.get("confirmed", True) else "shot"
    said = f"{w.who(e['by'])} {verb} {w.who(e['target'])}"
    if e.get("hotel"):
        said += f" at {w.hotel(e['hotel'])}"
    said += ", on consecrated ground" if e.get("consecrated") else ""
    return said + ("; no one has seen the body" if not e.get("confirmed", True) else "")


def _excommunicated(e: Fields, w: Words) -> str:
    grace = e.get("grace", 0)
    said = f"{w.who(e['by'])} declared {w.who(e['member'])} excommunicado ({free(e['reason'])})"
    if not grace:
        return said + ", at once"
    hours = f"{grace // 60} hour" + ("s" if grace // 60 > 1 else "") if grace % 60 == 0 else None
    span = hours if hours and grace != 60 else "an hour" if grace == 60 else f"{grace} minutes"
    return said + f", with {span} of grace: in effect from {instant(e['effective_at'])}"


def _breach(e: Fields, w: Words) -> str:
    rule = str(e.get("rule"))
    said = f"{w.who(e['member'])} broke {rule} ({RULES.get(rule, 'a rule').lower()})"
    return said + (f" on the grounds of {w.hotel(e['place'])}" if e.get("place") else "")


def _lifted(e: Fields, w: Words) -> str:
    said = f"{w.who(e['member'])}'s excommunicado was lifted"
    if e.get("terms"):
        return said + f", by {w.terms_of(e['terms'])}"
    return said + (f", by the victory in {w.duel_at(e['duel'])}" if e.get("duel") else "")


def _admitted(e: Fields, w: Words) -> str:
    said = f"{w.who(e['member'])} was admitted to {w.family(e['family'])}"
    return said + (f", by {w.terms_of(e['terms'])}" if e.get("terms") else "")


def _requirement_met(e: Fields, w: Words) -> str:
    terms = w.state.terms.get(str(e["terms"]))
    index = e.get("index")
    met = (
        w.requirement(terms.requires[index])
        if terms and isinstance(index, int) and 0 <= index < len(terms.requires)
        else "a requirement"
    )
    return f"{w.recipient(e['terms'])} met {w.terms_of(e['terms'])}: {met}"


Sayer = Callable[[Fields, Words], str]

# One entry per event type of the core's registry (a test holds every type to it).
SAYINGS: dict[str, Sayer] = {
    "world_created": lambda e, w: f"The world began, its clock at {instant(e['start'])}",
    "clock_ticked": lambda e, w: f"The clock moved on to {instant(e['at'])}",
    "state_sealed": lambda e, w: "The ledger sealed a snapshot of the world",
    "member_registered": lambda e, w: f"{w.who(e['by'])} registered {w.who(e['member'])}",
    "office_appointed": lambda e, w: (
        f"{w.who(e['by'])} appointed {w.who(e['member'])} to "
        + OFFICES.get(str(e["office"]), f"the office of {e['office']}")
    ),
    "resurfaced": lambda e, w: f"{w.who(e['member'])} resurfaced, alive",
    "coins_minted": lambda e, w: (
        f"{w.who(e['by'])} minted {coins(e['amount'])} for " + w.account(e["to"])
    ),
    "coins_transferred": lambda e, w: (
        f"{w.who(e['by'])} paid {coins(e['amount'])} to " + w.account(e["to"])
    ),
    "contract_posted": _contract_posted,
    "bounty_raised": lambda e, w: (
        f"{w.who(e['by'])} raised the bounty of {w.contract(e['contract'])} by {coins(e['amount'])}"
    ),
    "contract_claimed": lambda e, w: (
        f"{w.who(e['by'])} claimed {w.contract(e['contract'])}: {coins(e['bounty'])}"
    ),
    "contract_cancelled": lambda e, w: (
        f"{w.contract(e['contract'])} was cancelled; its {coins(e['bounty'])} went back"
    ),
    "family_founded": lambda e, w: (
        f"{w.who(e['by'])} founded {w.family(e['family'])}, headed by "
        + w.who(e["head"])
        + (", with a seat at the High Table" if e.get("high_table") else "")
    ),
    "head_named": lambda e, w: f"{w.who(e['head'])} became head of {w.family(e['family'])}",
    "member_admitted": _admitted,
    "member_exiled": lambda e, w: f"{w.who(e['member'])} was exiled from {w.family(e['family'])}",
    "recruit_enrolled": lambda e, w: (
        f"{w.who(e['member'])} was enrolled as a recruit of {w.family(e['family'])}"
    ),
    "recruit_graduated": lambda e, w: (
        f"{w.who(e['member'])} graduated into {w.family(e['family'])}"
    ),
    "hotel_opened": lambda e, w: (
        f"{w.who(e['by'])} opened {w.hotel(e['hotel'])}"
        + (f", managed by {w.who(e['manager'])}" if e.get("manager") else "")
    ),
    "manager_appointed": lambda e, w: (
        f"{w.who(e['member'])} was made manager of {w.hotel(e['hotel'])}"
    ),
    "manager_relieved": lambda e, w: (
        f"{w.who(e['by'])} relieved {w.who(e['member'])} as manager of {w.hotel(e['hotel'])}"
    ),
    "hotel_deconsecrated": lambda e, w: f"{w.hotel(e['hotel'])} lost its consecrated ground",
    "hotel_consecrated": lambda e, w: f"{w.hotel(e['hotel'])} became consecrated ground",
    "hotel_closed": lambda e, w: f"{w.who(e['by'])} closed {w.hotel(e['hotel'])}",
    "service_used": lambda e, w: (
        f"{w.who(e['by'])} bought {SERVICES.get(str(e['service']), e['service'])} at "
        f"{w.hotel(e['hotel'])} for {coins(e['price'])}"
    ),
    "marker_sworn": lambda e, w: (
        f"{w.who(e['by'])} swore a marker to {w.who(e['holder'])}"
        + (f" at {w.hotel(e['hotel'])}" if e.get("hotel") else "")
    ),
    "marker_invoked": lambda e, w: (
        f"{w.who(e['by'])} called in {w.marker(e['marker'])}: “{free(e['favor'])}”"
    ),
    "marker_honored": lambda e, w: f"{w.who(e['by'])} honored {w.marker(e['marker'])}",
    "marker_refused": lambda e, w: f"{w.who(e['by'])} refused {w.marker(e['marker'])}",
    "marker_voided": lambda e, w: (
        f"{w.marker(e['marker'])} became void"
        + (f" with {w.who(e['member'])}'s death" if e.get("member") else "")
    ),
    "duel_challenged": lambda e, w: (
        f"{w.who(e['by'])} challenged {w.who(e['challenged'])} to a duel"
    ),
    "duel_sanctioned": _duel_sanctioned,
    "second_named": lambda e, w: (
        f"{w.who(e['member'])} will stand second for {w.principal(e['duel'], e['side'])}"
    ),
    "stand_in_named": lambda e, w: (
        f"{w.who(e['member'])} will fight in {w.principal(e['duel'], e['side'])}'s place"
    ),
    "fighter_arrived": lambda e, w: f"{w.who(e['by'])} arrived for {w.duel_at(e['duel'])}",
    "duel_resolved": _duel_resolved,
    "member_fell": lambda e, w: (
        f"{w.who(e['member'])} "
        + ("fell in " if e.get("cause") == "fallen" else "was executed for forfeiting ")
        + w.duel_at(e["duel"])
    ),
    "member_eliminated": _eliminated,
    "fined": lambda e, w: (
        f"{w.who(e['by'])} fined {w.who(e['member'])} {coins(e['amount'])}: {free(e['reason'])}"
    ),
    "excommunicated": _excommunicated,
    "excommunicado_took_effect": lambda e, w: (
        f"{w.who(e['member'])}'s grace ran out: excommunicado"
    ),
    "member_aided": lambda e, w: f"{w.who(e['by'])} aided {w.who(e['member'])}: {free(e['help'])}",
    "excommunicado_lifted": _lifted,
    "excommunicado_restored": lambda e, w: (
        f"{w.who(e['member'])} is excommunicado again at once: {w.terms_of(e['terms'])} undone"
    ),
    "alliance_proposed": lambda e, w: (
        f"{w.who(e['by'])} proposed an alliance to {w.who(e['partner'])}: {free(e['purpose'])}"
    ),
    "alliance_formed": lambda e, w: (
        f"{w.pair('alliances', e['alliance'], 'proposer', 'partner')} are allies"
    ),
    "alliance_dissolved": lambda e, w: (
        f"The alliance of {w.pair('alliances', e['alliance'], 'proposer', 'partner')} was dissolved"
    ),
    "parlay_requested": lambda e, w: (
        f"{w.who(e['by'])} asked {w.who(e['adjudicator'])} for a parlay"
    ),
    "parlay_granted": lambda e, w: (
        f"{w.who(e['by'])} granted a parlay to "
        + w.who(getattr(w.state.parlays.get(str(e["parlay"])), "requester", e["parlay"]))
    ),
    "parlay_denied": lambda e, w: (
        f"{w.who(e['by'])} denied a parlay to "
        + w.who(getattr(w.state.parlays.get(str(e["parlay"])), "requester", e["parlay"]))
    ),
    "parlay_concluded": lambda e, w: (
        f"The parlay of {w.pair('parlays', e['parlay'], 'requester', 'adjudicator')} ended"
        + (f" in {w.terms_of(e['terms'])}" if e.get("terms") else " without terms")
    ),
    "terms_offered": _terms_offered,
    "terms_accepted": lambda e, w: f"{w.who(e['by'])} accepted {w.terms_of(e['terms'])}",
    "requirement_met": _requirement_met,
    "terms_fulfilled": lambda e, w: f"{w.recipient(e['terms'])} fulfilled {w.terms_of(e['terms'])}",
    "terms_renounced": lambda e, w: f"{w.who(e['by'])} renounced {w.terms_of(e['terms'])}",
    "terms_expired": lambda e, w: f"{w.terms_of(e['terms'])} to {w.recipient(e['terms'])} ran out",
    "fealty_sworn": lambda e, w: f"{w.who(e['member'])} swore fealty to the High Table",
    "breach_recorded": _breach,
}


def sentence(event: Fields, state: State) -> str:
    """The event as one sentence, its first letter a capital, ending with a full stop."""
    say = SAYINGS.get(str(event.get("type")))
    if say is None:  # a type this module does not know yet: said plainly, never as fields
        said = f"{Words(state).who(event.get('by'))}: {str(event.get('type')).replace('_', ' ')}"
    else:
        said = say(event, Words(state))
    lead = 1 if said.startswith("\u2068") else 0  # a name in an isolate: its first letter
    said = said[: lead + 1].upper() + said[lead + 1 :]
    return said if said.endswith((".", "”", "!", "?")) else said + "."


def scene(note: str) -> str:
    """A note on one line, as the page shows it: "# Chapter 2\nThe end: ..." reads
    "Chapter 2 · The end: ..."."""
    first, _, rest = note.partition("\n")
    if first.startswith("# "):
        title, text = first[2:].strip(), " ".join(rest.split())
        return f"{title} · {text}" if text else title
    return " ".join(note.split())


def with_sentences(record: dict[str, Any], state: State) -> dict[str, Any]:
    """A dossier whose timeline entries each carry their sentence."""
    record["timeline"] = [
        {**entry, "sentence": sentence({**entry, "type": entry["event"]}, state)}
        for entry in record["timeline"]
    ]
    return record
