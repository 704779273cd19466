"""Blind commands: drawn without reading the world, of every shape, with amounts that are
sometimes no amount at all. Most are refused at the door, which is what they are for."""

from __future__ import annotations

from collections.abc import Callable

from hightable.core.instants import add_minutes
from hightable.storm.dice import Dice
from hightable.storm.shapes import Fields

Shape = Callable[[Dice], Fields]


def member(dice: Dice) -> str:
    return str(dice.pick(dice.cast.members))


def hotel(dice: Dice) -> str:
    return str(dice.pick(dice.cast.hotels))


def family(dice: Dice) -> str:
    return str(dice.pick(dice.cast.families))


def amount(dice: Dice) -> object:
    """Lawful mostly; now and then zero, negative, or text."""
    return dice.pick([dice.integer(1, 20)] * 3 + [dice.integer(-2, 0), "5"])


def grant(dice: Dice) -> object:
    return dice.pick(
        [
            "lift_excommunicado",
            {"admit": family(dice)},
            {"cancel_contracts_on": member(dice)},
            # Keys in an unsorted order: a replay from canonical JSON must rebuild the state.
            {"restore_manager": {"member": member(dice), "hotel": dice.cast.hotels[0]}},
            {"consecrate": dice.cast.hotels[0]},
        ]
    )


def requirement(dice: Dice) -> object:
    return dice.pick([{"eliminate": member(dice)}, "swear_fealty", {"pay": 3}])


def grants(dice: Dice, most: int) -> list[object]:
    return [grant(dice) for _ in range(dice.integer(0, most))]


CORE: list[Shape] = [
    lambda d: {"do": "register", "member": member(d), "name": "A Name"},
    lambda d: {
        "do": "appoint",
        "member": member(d),
        "office": d.pick(["seat", "elder", "adjudicator"]),
    },
    lambda d: {"do": "mint", "to": d.pick(d.cast.accounts), "amount": amount(d)},
    lambda d: {"do": "transfer", "to": d.pick(d.cast.accounts), "amount": amount(d)},
    lambda d: {"do": "open_hotel", "hotel": hotel(d), "name": "A Hotel"},
    lambda d: {"do": "appoint_manager", "hotel": hotel(d), "member": member(d)},
    lambda d: {"do": "use_service", "hotel": hotel(d), "service": "doctor", "price": amount(d)},
    lambda d: {"do": "close_hotel", "hotel": hotel(d)},
    lambda d: {"do": "deconsecrate", "hotel": hotel(d)},
    lambda d: {"do": "consecrate", "hotel": hotel(d)},
    lambda d: {
        "do": "post_contract",
        "contract": d.pick(d.cast.contracts[:3]),
        "target": member(d),
        "bounty": amount(d),
    },
    lambda d: {"do": "raise_bounty", "contract": d.pick(d.cast.contracts[:3]), "amount": amount(d)},
    lambda d: {"do": "claim_contract", "contract": d.pick(d.cast.contracts[:3])},
    lambda d: {"do": "cancel_contract", "contract": d.pick(d.cast.contracts[:3])},
    lambda d: {
        "do": "eliminate",
        "target": member(d),
        "confirmed": d.chance(50),
        "hotel": hotel(d),
    },
    lambda d: {
        "do": "excommunicate",
        "member": member(d),
        "grace": d.integer(0, 90),
        "reason": "r",
    },
    lambda d: {"do": "aid", "member": member(d), "help": "h"},
    lambda d: {"do": "fine", "member": member(d), "amount": amount(d), "reason": "r"},
    lambda d: {"do": "swear_marker", "marker": d.pick(d.cast.markers[:2]), "holder": member(d)},
    lambda d: {"do": "invoke_marker", "marker": d.pick(d.cast.markers[:2]), "favor": "f"},
    lambda d: {"do": "honor_marker", "marker": d.pick(d.cast.markers[:2])},
    lambda d: {"do": "refuse_marker", "marker": d.pick(d.cast.markers[:2])},
    lambda d: {"do": "tick"},
]


def later(at: str) -> list[Shape]:
    """The later chapters' shapes; their instants a little after `at`, the storm's clock."""
    deadlines = [add_minutes(at, 120), add_minutes(at, 1440), None]
    hours = [add_minutes(at, 90), add_minutes(at, 780)]
    return [
        lambda d: {
            "do": "found_family",
            "family": family(d),
            "name": "F",
            "head": member(d),
            "high_table": d.chance(50),
        },
        lambda d: {"do": "name_head", "family": family(d), "head": member(d)},
        *[
            (lambda d, do=do: {"do": do, "family": family(d), "member": member(d)})
            for do in ("admit", "exile", "enroll", "graduate")
        ],
        lambda d: {
            "do": "offer_terms",
            "terms": d.pick(d.cast.terms[:2]),
            "to": member(d),
            "grants": grants(d, 3),
            "requires": [requirement(d) for _ in range(d.integer(0, 2))],
            "grant_on": d.pick(["accept", "fulfil"]),
            "deadline": d.pick(deadlines),
        },
        lambda d: {"do": "accept_terms", "terms": d.pick(d.cast.terms[:2])},
        lambda d: {"do": "renounce_terms", "terms": d.pick(d.cast.terms[:2])},
        lambda d: {"do": "swear_fealty"},
        lambda d: {"do": "challenge", "duel": d.cast.duels[0], "challenged": member(d)},
        lambda d: {
            "do": "sanction_duel",
            "duel": d.cast.duels[0],
            "place": "Sacré-Cœur",
            "hour": d.pick(hours),
            "terms": {"challenger_wins": grants(d, 2), "challenged_wins": grants(d, 2)},
        },
        lambda d: {"do": "name_second", "duel": d.cast.duels[0], "member": member(d)},
        lambda d: {"do": "name_stand_in", "duel": d.cast.duels[0], "member": member(d)},
        lambda d: {"do": "arrive", "duel": d.cast.duels[0]},
        lambda d: {
            "do": "resolve_duel",
            "duel": d.cast.duels[0],
            "winner": d.pick(["challenger", "challenged"]),
            "fallen": [member(d) for _ in range(d.integer(0, 2))],
        },
        lambda d: {"do": "request_parlay", "parlay": d.cast.parlays[0], "with": member(d)},
        lambda d: {"do": "grant_parlay", "parlay": d.cast.parlays[0]},
        lambda d: {"do": "deny_parlay", "parlay": d.cast.parlays[0]},
        lambda d: {"do": "conclude_parlay", "parlay": d.cast.parlays[0]},
        lambda d: {
            "do": "propose_alliance",
            "alliance": d.cast.alliances[0],
            "purpose": "p",
            "with": member(d),
        },
        lambda d: {"do": "accept_alliance", "alliance": d.cast.alliances[0]},
        lambda d: {"do": "dissolve_alliance", "alliance": d.cast.alliances[0]},
        # What meets requirements and decides duels, among the later chapters' commands.
        lambda d: {"do": "eliminate", "target": member(d), "confirmed": d.chance(50)},
        lambda d: {"do": "transfer", "to": member(d), "amount": 3},
        lambda d: {
            "do": "excommunicate",
            "member": member(d),
            "grace": d.integer(0, 30),
            "reason": "r",
        },
    ]


def blind_command(dice: Dice, at: str, later_only: bool = False) -> Fields:
    """A command of any shape (of the later chapters' alone, with `later_only`)."""
    shapes = later(at) if later_only or dice.chance(50) else CORE
    shape: Shape = dice.pick(shapes)
    return shape(dice)
