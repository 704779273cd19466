"""The words sentences are made of: how a member, a hotel, a grant or a sum of coins is named
(`Words`, read against a state), and the small forms every sentence shares."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from hightable.core.state import TABLE, State

Fields = Mapping[str, Any]
NAMED = ("members", "hotels", "families")
Shared = dict[str, frozenset[str]]
# The names several objects of a kind share, of the last state asked about (and its seq: a held
# world's state changes in place): a page of sentences reads one state many times.
_shared_of: list[tuple[State, int, Shared]] = []


def shared_names(state: State) -> Shared:
    """For members, hotels and families: the names more than one of them bears."""
    cached = _shared_of[-1] if _shared_of else None
    if cached is not None and cached[0] is state and cached[1] == state.seq:
        return cached[2]
    shared: Shared = {}
    for kind in NAMED:
        names = Counter(item.name for item in getattr(state, kind).values())
        shared[kind] = frozenset(name for name, count in names.items() if count > 1)
    _shared_of[:] = [(state, state.seq, shared)]
    return shared


# Marks that change the direction of the text after them (embeddings, overrides, isolates).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def free(text: object) -> str:
    """A text a sender wrote (a name, a reason, a favor), kept within itself: one that holds a
    mark of direction is set in an isolate, so that the rest of the sentence reads as written."""
    value = str(text)
    if BIDI_CONTROLS.isdisjoint(value):
        return value
    return "\u2068" + value + "\u2069"


def mid_sentence(name: str) -> str:
    """ "The Elder" reads "the Elder" mid-sentence, "A seat at the High Table" "a seat at..."."""
    for article in ("The ", "A "):
        if name.startswith(article):
            return article.lower() + name[len(article) :]
    return name


class Words:
    """The names a state gives to the ids an event holds; a name that several objects of a kind
    bear is followed by the id, so that a sentence always says which of them."""

    def __init__(self, state: State):
        self.state = state
        self.shared = shared_names(state)

    def named(self, kind: str, object_id: object) -> str:
        known = getattr(self.state, kind).get(str(object_id))
        if known is None:
            return str(object_id)
        name = free(mid_sentence(known.name))
        return f"{name} ({object_id})" if known.name in self.shared[kind] else name

    def who(self, member: object) -> str:
        """A member (or the Table) by name."""
        return "the High Table" if member == TABLE else self.named("members", member)

    def account(self, account: object) -> str:
        if account == TABLE:
            return "the Table's treasury"
        hotel = self.state.hotels.get(str(account))
        return self.hotel(account) if hotel else self.who(account)

    def hotel(self, hotel_id: object) -> str:
        return self.named("hotels", hotel_id)

    def family(self, family_id: object) -> str:
        return self.named("families", family_id)

    def terms_of(self, terms_id: object) -> str:
        """ "the Elder's terms"; terms it does not know by their id."""
        terms = self.state.terms.get(str(terms_id))
        return f"{self.who(terms.offerer)}'s terms" if terms else f"the terms {terms_id}"

    def recipient(self, terms_id: object) -> str:
        terms = self.state.terms.get(str(terms_id))
        return self.who(terms.to) if terms else "their recipient"

    def duel(self, duel_id: object) -> str:
        duel = self.state.duels.get(str(duel_id))
        if duel is None:
            return f"the duel {duel_id}"
        return f"the duel of {self.who(duel.challenger)} and {self.who(duel.challenged)}"

    def duel_at(self, duel_id: object) -> str:
        duel = self.state.duels.get(str(duel_id))
        return f"the duel at {free(duel.place)}" if duel and duel.place else self.duel(duel_id)

    def principal(self, duel_id: object, side: object) -> str:
        duel = self.state.duels.get(str(duel_id))
        if duel is None:
            return f"the {side}"
        return self.who(duel.challenger if side == "challenger" else duel.challenged)

    def marker(self, marker_id: object) -> str:
        marker = self.state.markers.get(str(marker_id))
        if marker is None:
            return f"the marker {marker_id}"
        return f"the marker {self.who(marker.debtor)} owes {self.who(marker.holder)}"

    def contract(self, contract_id: object) -> str:
        contract = self.state.contracts.get(str(contract_id))
        return f"the contract on {self.who(contract.target)}" if contract else str(contract_id)

    def pair(self, table: str, object_id: object, first: str, second: str) -> str:
        """The two parties of an alliance or a parlay."""
        item = getattr(self.state, table).get(str(object_id))
        if item is None:
            return str(object_id)
        return f"{self.who(getattr(item, first))} and {self.who(getattr(item, second))}"

    def grant(self, grant: object) -> str:
        if grant == "lift_excommunicado":
            return "lift the excommunicado"
        if isinstance(grant, dict) and len(grant) == 1:
            ((kind, value),) = grant.items()
            if kind == "admit":
                return f"admit them to {self.family(value)}"
            if kind == "cancel_contracts_on":
                return f"cancel every contract on {self.who(value)}"
            if kind == "consecrate":
                return f"consecrate {self.hotel(value)}"
            if kind == "restore_manager" and isinstance(value, dict):
                hotel, member = self.hotel(value.get("hotel")), self.who(value.get("member"))
                return f"give {hotel} back to {member}"
        return str(grant).replace("_", " ")

    def requirement(self, requirement: object) -> str:
        if requirement == "swear_fealty":
            return "swear fealty"
        if isinstance(requirement, dict) and len(requirement) == 1:
            ((kind, value),) = requirement.items()
            if kind == "eliminate":
                return f"kill {self.who(value)}"
            if kind == "pay":
                return f"pay {coins(value)}"
        return str(requirement).replace("_", " ")


OFFICES = {
    "seat": "a seat at the High Table",
    "elder": "the office of the Elder",
    "adjudicator": "the office of Adjudicator",
}


# What each service of a hotel (core/hotels.py) buys, as a guest would say it.
SERVICES = {
    "room": "a room",
    "doctor": "the doctor's care",
    "armory": "the armory's wares",
    "sommelier": "the sommelier's wares",
    "tailor": "the tailor's work",
    "cleaners": "the cleaners' work",
    "cartographer": "the cartographer's maps",
    "concierge": "the concierge's help",
}


def coins(amount: object) -> str:
    return "1 coin" if amount == 1 else f"{amount:,} coins" if isinstance(amount, int) else "coins"


def instant(text: object) -> str:
    """2019-05-20T07:00:00Z -> 2019-05-20 07:00 (seconds only when there are some)."""
    value = str(text or "")
    if len(value) == 20 and value.endswith("Z"):
        return value[:10] + " " + (value[11:16] if value[17:19] == "00" else value[11:19])
    return value


def listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
