"""The pure core of hightable: decide, evolve, the chapters of the rulebook, the chain and the view.

Importing this package registers every chapter's commands, events and deadlines.
"""

from hightable.core import (  # noqa: F401  (each chapter registers itself on import)
    alliances,
    breaches,
    coins,
    contracts,
    duels,
    elimination,
    excommunicado,
    families,
    hotels,
    markers,
    members,
    parlay,
    seals,
    terms,
    world,
)
from hightable.core.chain import Record, Verdict, verify
from hightable.core.commands import COMMANDS, Command, parse_command
from hightable.core.engine import Accepted, Outcome, Replayed, ReplayFailed, decide, evolve, handle
from hightable.core.events import Event, canonical_json, decode_event, to_dict
from hightable.core.ledger import Ledger, Worlds, state_as_of
from hightable.core.rules import RULES, Refusal
from hightable.core.state import State, coins_accounted
from hightable.core.view import PathError, lookup, view, view_at
from hightable.core.world import create_world, replay

__all__ = [
    "COMMANDS",
    "RULES",
    "Accepted",
    "Command",
    "ReplayFailed",
    "Event",
    "Ledger",
    "Outcome",
    "PathError",
    "Record",
    "Refusal",
    "Replayed",
    "State",
    "Verdict",
    "Worlds",
    "canonical_json",
    "coins_accounted",
    "create_world",
    "decide",
    "decode_event",
    "evolve",
    "handle",
    "lookup",
    "view_at",
    "parse_command",
    "replay",
    "state_as_of",
    "to_dict",
    "verify",
    "view",
]
