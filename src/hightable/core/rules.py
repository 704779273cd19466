"""Rule IDs and titles: the rulebook's, and the ones this project adds (docs/rules.md).

A refusal is a value (`Refusal`), never an exception: breaking a rule is an expected outcome.
"""

from __future__ import annotations

import msgspec

RULES: dict[str, str] = {
    # 1. The world and its clock
    "WORLD-1": "A world is created once, with a slug id and a start instant",
    "WORLD-2": "An archived world is read-only",
    "TIME-1": "A command dated before the world's clock is refused",
    "TIME-2": "Deadlines fall by the clock, before the command that crosses them",
    "TIME-3": "A view is of an instant between the world's start and its clock",
    "TIME-4": "A command sent without an instant happens at the server's clock, or the world's",
    "CMD-1": "A command must be well formed",
    "ID-1": "Ids are slugs",
    "ID-2": "An id is taken once",
    "ID-3": "A command must name known objects",
    "IDEM-1": "A command id (cid) names one command",
    # 2. Who acts
    "LIFE-1": "The deceased cannot act, be paid, or be named as a new party",
    "LIFE-2": "The deceased cannot be eliminated again",
    "LIFE-3": "A member cannot eliminate themselves",
    "ROLE-1": "Only an actor with the authority may issue the command",
    "ROLE-2": "An office is held once by the same member",
    # 3. Gold coins
    "COIN-1": "Amounts are positive integers",
    "COIN-2": "No balance may go below zero",
    "COIN-3": "Only the table mints; coins are conserved",
    # 4. The Continental
    "HOTEL-1": "A closed hotel gives no service",
    "HOTEL-2": "No business on consecrated ground",
    "HOTEL-3": "A manager excommunicates only for a breach on their own grounds",
    "HOTEL-4": "Only the adjudicator, the elder or a seat holder governs a hotel",
    "HOTEL-5": "A hotel command must change the hotel",
    # 5. Contracts
    "CONTRACT-1": "The target must be a living member and not the client",
    "CONTRACT-2": "Only the client raises a bounty",
    "CONTRACT-3": "A contract is paid only once",
    "CONTRACT-4": "A claim needs the claimant's own confirmed elimination of the target",
    "CONTRACT-5": "Only the client cancels, and only an open contract",
    "CONTRACT-6": "No contract is paid for business on consecrated ground",
    "CONTRACT-7": "An excommunicado can neither post nor claim a contract",
    "CONTRACT-8": "Only an open contract can be raised or claimed",
    "CONTRACT-9": "Only the named contractor may claim a contract that is not open",
    # 6. Excommunicado
    "EXCOM-1": "No Continental serves an excommunicado",
    "EXCOM-2": "An excommunicado may neither post nor claim contracts",
    "EXCOM-3": "Aiding an excommunicado is a breach",
    "EXCOM-4": "A member is excommunicated once until it is lifted",
    # 7. Markers
    "MARKER-1": "Only the holder invokes a marker",
    "MARKER-2": "A marker is invoked once",
    "MARKER-3": "Only the holder declares an invoked marker honored",
    "MARKER-4": "Only the debtor refuses an invoked marker, and refusing is a breach",
    "MARKER-5": "Markers are personal; a dead party's marker is void",
    "MARKER-6": "A marker is sworn to another member",
    # 8. Terms
    "TERMS-1": "Only the recipient accepts or renounces terms, and accepts them once",
    "TERMS-2": "Grants apply on acceptance or on fulfilment, as the terms say",
    "TERMS-3": "Renouncing accepted terms, or letting them run out, revokes them and is a breach",
    "TERMS-4": "Terms are offered to another member, with a deadline after the offer",
    # 9. Duels
    "DUEL-1": "Only a member of a High Table family, not a recruit, challenges",
    "DUEL-2": "Only a seat holder is challenged",
    "DUEL-3": "Only the adjudicator or the elder sanctions and resolves a duel",
    "DUEL-4": "Each principal names one second and one stand-in, before the hour",
    "DUEL-5": "A fighter arrives no later than the hour",
    "DUEL-6": "A sanctioned duel is resolved at or after its hour; who did not arrive forfeits",
    # 10. Parlay and alliances
    "PARLAY-1": "No elimination between the parties while a parlay stands",
    "PARLAY-2": "A parlay is between a member and the adjudicator they asked",
    "PARLAY-3": "A parlay is answered once, and only a granted one is concluded",
    "ALLY-1": "Only the named member accepts an alliance",
    "ALLY-2": "An alliance is between two members, and only they dissolve it",
    "ALLY-3": "An alliance is accepted while proposed, and dissolved once",
    # 11. Families
    "FAMILY-1": "Only the head admits, exiles, enrolls and graduates",
    "FAMILY-2": "A member belongs to at most one family",
    "FAMILY-3": "A family's changes must fit it: no exiled head, no graduate who was no recruit",
    # The HTTP API's access and limits (docs/rules.md)
    "ACCESS-1": "Reading or writing a world needs a token of that world",
    "ACCESS-2": "A member token acts only as its member, and only in its world",
    "ACCESS-3": "Creating a world over HTTP needs the operator's token, unless creation is open",
    "LIMIT-1": "Requests are bounded in size, batch length and page size",
    "STORE-1": "The store failed; nothing was applied",
    "INTERNAL-1": "An unexpected failure is answered plainly, never as a traceback",
    # 17. The log
    "CHAIN-1": "Each event is chained to the one before by its hash",
    "CHAIN-2": "A snapshot is used only when the chain vouches for its state",
    # The ledger's invariants, checked before every append and on every replay
    "INVARIANT-1": "The books balance after every command",
    "FAULT-1": "A command hightable failed to judge or seal is not stored",
}


class Refusal(msgspec.Struct, frozen=True):
    """A command refused under a rule: the rule, its title, and the facts that tripped it."""

    rule: str
    title: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def refuse(rule: str, message: str) -> Refusal:
    return Refusal(rule=rule, title=RULES[rule], message=message)
