"""Who storms a world: the members, the offices, the hotels and families, and the ids the
commands draw from. Small pools of ids on purpose: commands collide on the same contract, the
same terms, the same duel."""

from __future__ import annotations

from dataclasses import dataclass, field

from hightable.core import State
from hightable.storm.shapes import Fields

Command = tuple[str, Fields]  # actor, fields


def pool(prefix: str, size: int) -> list[str]:
    return [f"{prefix}{n}" for n in range(1, size + 1)]


@dataclass(frozen=True)
class Cast:
    members: list[str]  # registered at setup
    newcomers: list[str]  # registered, if at all, during a storm
    elder: str
    adjudicator: str
    seat: str  # also the first hotel's manager
    hotels: list[str]
    families: list[str]
    terms: list[str] = field(default_factory=lambda: pool("t", 12))
    contracts: list[str] = field(default_factory=lambda: pool("c", 8))
    markers: list[str] = field(default_factory=lambda: pool("m", 3))
    duels: list[str] = field(default_factory=lambda: pool("d", 2))
    parlays: list[str] = field(default_factory=lambda: pool("p", 2))
    alliances: list[str] = field(default_factory=lambda: pool("a", 2))

    @property
    def names(self) -> list[str]:
        return [*self.members, *self.newcomers]

    @property
    def actors(self) -> list[str]:
        return [*self.names, "table"]

    @property
    def officers(self) -> list[str]:
        return [self.elder, self.adjudicator, self.seat]

    @property
    def accounts(self) -> list[str]:
        return [*self.members, *self.hotels, "table"]

    def setup(self) -> list[Command]:
        """The commands that make the cast's world: members, offices, a hotel, coins, a family
        with a member in it."""
        head, member = self.members[2 % len(self.members)], self.members[0]
        return [
            *[("table", {"do": "register", "member": m, "name": m}) for m in self.members],
            ("table", {"do": "appoint", "member": self.elder, "office": "elder"}),
            ("table", {"do": "appoint", "member": self.adjudicator, "office": "adjudicator"}),
            ("table", {"do": "appoint", "member": self.seat, "office": "seat"}),
            (
                "table",
                {"do": "open_hotel", "hotel": self.hotels[0], "name": "H", "manager": self.seat},
            ),
            *[("table", {"do": "mint", "to": m, "amount": 50}) for m in self.members],
            (
                "table",
                {
                    "do": "found_family",
                    "family": self.families[0],
                    "name": "F",
                    "head": head,
                    "high_table": True,
                },
            ),
            (head, {"do": "admit", "family": self.families[0], "member": member}),
        ]


# The cast of the films, as the stateful test has always set it up.
FILMS = Cast(
    members=["john", "winston", "sofia", "zero", "elder"],
    newcomers=["cassian", "ares", "santino"],
    elder="elder",
    adjudicator="zero",
    seat="winston",
    hotels=["continental-ny", "continental-casablanca"],
    families=["ruska-roma", "harkan"],
)


def generated(actors: int) -> Cast:
    """A cast of `actors` members (three at least, for the offices), with hotels, families and
    id pools that grow with it."""
    size = max(actors, 3)
    width = len(str(size))
    return Cast(
        members=[f"member-{n:0{width}}" for n in range(1, size + 1)],
        newcomers=[f"newcomer-{n}" for n in range(1, size // 5 + 2)],
        elder=f"member-{1:0{width}}",
        adjudicator=f"member-{2:0{width}}",
        seat=f"member-{3:0{width}}",
        hotels=pool("hotel-", max(2, size // 20)),
        families=pool("family-", max(2, size // 40)),
        terms=pool("t", max(12, size // 2)),
        contracts=pool("c", max(8, size)),
        markers=pool("m", max(3, size // 4)),
        duels=pool("d", max(2, size // 20)),
        parlays=pool("p", max(2, size // 20)),
        alliances=pool("a", max(2, size // 20)),
    )


def of_world(state: State) -> Cast:
    """A cast read off a world that exists already: its members, its office holders, its
    hotels and families (with the films' as fallbacks), and a few newcomers."""
    members = sorted(state.members) or FILMS.members

    def holder(office: str, fallback: str) -> str:
        found = sorted(m for m, member in state.members.items() if office in member.offices)
        return found[0] if found else fallback

    return Cast(
        members=members,
        newcomers=[n for n in pool("newcomer-", 3) if n not in state.members],
        elder=holder("elder", members[0]),
        adjudicator=holder("adjudicator", members[1 % len(members)]),
        seat=holder("seat", members[2 % len(members)]),
        hotels=sorted(state.hotels) or FILMS.hotels,
        families=sorted(state.families) or FILMS.families,
        terms=sorted({*state.terms, *FILMS.terms}),
        contracts=sorted({*state.contracts, *FILMS.contracts}),
        markers=sorted({*state.markers, *FILMS.markers}),
        duels=sorted({*state.duels, *FILMS.duels}),
        parlays=sorted({*state.parlays, *FILMS.parlays}),
        alliances=sorted({*state.alliances, *FILMS.alliances}),
    )
