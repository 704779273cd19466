"""The state of one world: plain values that `evolve` updates and `decide` only reads.

Entities are frozen structs replaced on change, so `fork` (a shallow copy of the tables) gives an
independent state cheaply: decide uses it only when a deadline falls before the command it judges.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import structs

from hightable.core.overlay import Overlay

TABLE = "table"  # the built-in actor of the High Table, and the name of its treasury


class Death(msgspec.Struct, frozen=True, gc=False):
    """How a member was eliminated: what a contract claim is judged on (CONTRACT-4, CONTRACT-6)."""

    by: str
    at: str
    confirmed: bool
    hotel: str | None = None
    consecrated: bool = False


class Member(msgspec.Struct, frozen=True, gc=False):
    name: str
    life: str = "alive"  # alive | presumed_dead | deceased
    excommunicado: bool = False  # in effect
    excommunicado_from: str | None = None
    family: str | None = None
    recruit_of: str | None = None
    offices: tuple[str, ...] = ()
    in_service: bool = False
    breaches: tuple[str, ...] = ()
    death: Death | None = None
    # What terms granted that still holds, so that TERMS-3 revokes that and nothing more:
    admitted_by_terms: str | None = None  # their family is theirs by these terms' grant
    lifted_by_terms: str | None = None  # these terms' grant lifted their last excommunicado

    @property
    def status(self) -> str:
        if self.life != "alive":
            return self.life
        return "excommunicado" if self.excommunicado else "active"

    @property
    def deceased(self) -> bool:
        return self.life == "deceased"


class Hotel(msgspec.Struct, frozen=True, gc=False):
    name: str
    manager: str | None = None
    consecrated: bool = True
    open: bool = True
    breached_by: tuple[str, ...] = ()  # members who breached on these grounds (HOTEL-3)
    # What terms granted that still holds, so that TERMS-3 revokes that and nothing more:
    manager_by_terms: str | None = None  # the manager is these terms' grant
    consecrated_by_terms: str | None = None  # the consecration is these terms' grant


class Contract(msgspec.Struct, frozen=True, gc=False):
    client: str
    target: str
    bounty: int
    open: bool
    funded_by: str
    contractor: str | None = None
    state: str = "open"  # open | claimed | cancelled
    claimed_by: str | None = None


class Marker(msgspec.Struct, frozen=True, gc=False):
    debtor: str
    holder: str
    hotel: str | None = None
    state: str = "sworn"  # sworn | invoked | honored | refused | void
    favor: str | None = None


class Family(msgspec.Struct, frozen=True, gc=False):
    name: str
    head: str
    high_table: bool
    members: tuple[str, ...] = ()
    recruits: tuple[str, ...] = ()


class Terms(msgspec.Struct, frozen=True, gc=False):
    """Terms offered to a member (§8); grants and requirements as written in the command."""

    offerer: str
    to: str
    grants: tuple[Any, ...]
    requires: tuple[Any, ...]
    grant_on: str
    deadline: str | None = None
    state: str = "offered"  # offered | accepted | fulfilled | renounced | expired
    met: tuple[bool, ...] = ()
    granted: bool = False


class Duel(msgspec.Struct, frozen=True, gc=False):
    challenger: str
    challenged: str
    state: str = "challenged"  # challenged | sanctioned | resolved
    place: str | None = None
    hour: str | None = None
    terms: dict[str, tuple[Any, ...]] = {}
    second: dict[str, str] = {}
    stand_in: dict[str, str] = {}
    arrived: tuple[str, ...] = ()  # sides whose fighter arrived by the hour
    winner: str | None = None
    fallen: tuple[str, ...] = ()


class Parlay(msgspec.Struct, frozen=True, gc=False):
    requester: str
    adjudicator: str
    state: str = "requested"  # requested | granted | denied | concluded
    terms: str | None = None


class Alliance(msgspec.Struct, frozen=True, gc=False):
    proposer: str
    partner: str
    purpose: str
    state: str = "proposed"  # proposed | active | dissolved


class CidRecord(msgspec.Struct, frozen=True, gc=False):
    """What IDEM-1 remembers of an accepted command: its body's digest and its events."""

    digest: str
    first_seq: int
    last_seq: int


class State(msgspec.Struct, kw_only=True):
    world: str
    start: str
    clock: str
    seq: int = 0
    supply: int = 0
    escrow: int = 0
    # The coin ledger, apart from the entities it counts for, so that a payment is two
    # additions and not two copies of frozen structs:
    balances: dict[str, int] = {}  # account (member, hotel or the table) -> coins held
    members: dict[str, Member] = {}
    hotels: dict[str, Hotel] = {}
    contracts: dict[str, Contract] = {}
    markers: dict[str, Marker] = {}
    families: dict[str, Family] = {}
    terms: dict[str, Terms] = {}
    duels: dict[str, Duel] = {}
    parlays: dict[str, Parlay] = {}
    alliances: dict[str, Alliance] = {}
    cids: dict[str, CidRecord] = {}
    deadlines: dict[str, str] = {}  # "kind:id" -> the instant it falls (TIME-2)
    first_deadline: str | None = None  # the earliest of them: most commands pass it by at a glance
    # Indexes, kept by evolve, so that a check reads a member's few entries, not every entry:
    accepted: dict[str, tuple[str, ...]] = {}  # member -> the terms they accepted, still open
    live_markers: dict[str, tuple[str, ...]] = {}  # member -> the live markers they are party to
    contracts_on: dict[str, tuple[str, ...]] = {}  # member -> the open contracts on them

    def fork(self) -> State:
        """An independent copy: the tables are copied, the frozen entities shared."""
        tables = {
            name: dict(value)
            for name in self.__struct_fields__
            if isinstance(value := getattr(self, name), dict)
        }
        return structs.replace(self, **tables)

    def working(self) -> State:
        """A working copy whose tables read through to these and keep their own changes: it
        costs what is changed in it, not the world's size. This state is never changed by it."""
        return structs.replace(self, **{name: Overlay(getattr(self, name)) for name in TABLES})

    @property
    def treasury(self) -> int:
        return self.balances.get(TABLE, 0)


# The fields of a State that are tables (dicts), which `working` lays an overlay on.
TABLES = tuple(
    field.name for field in structs.fields(State) if getattr(field.type, "__origin__", None) is dict
)


def initial_state(world: str, start: str) -> State:
    return State(world=world, start=start, clock=start)


def set_deadline(state: State, key: str, instant: str) -> None:
    state.deadlines[key] = instant
    if state.first_deadline is None or instant < state.first_deadline:
        state.first_deadline = instant


def clear_deadline(state: State, key: str) -> None:
    instant = state.deadlines.pop(key, None)
    if instant is not None and instant == state.first_deadline:
        state.first_deadline = min(state.deadlines.values(), default=None)


def index_add(index: dict[str, tuple[str, ...]], key: str, object_id: str) -> None:
    index[key] = (*index.get(key, ()), object_id)


def index_remove(index: dict[str, tuple[str, ...]], key: str, object_id: str) -> None:
    entries = index.get(key, ())
    if object_id not in entries:
        return
    if len(entries) == 1:
        del index[key]
    else:
        at = entries.index(object_id)
        index[key] = entries[:at] + entries[at + 1 :]


def update(table: dict[str, Any], object_id: str, /, **changes: Any) -> None:
    """Replace one frozen entity of a table with a changed copy."""
    table[object_id] = structs.replace(table[object_id], **changes)


def add_breach(state: State, member_id: str, rule: str) -> None:
    member = state.members[member_id]
    update(state.members, member_id, breaches=member.breaches + (rule,))


def balance_of(state: State, account: str) -> int:
    """The balance of a member, a hotel, or the table treasury."""
    return state.balances.get(account, 0)


def move_balance(state: State, account: str, delta: int) -> None:
    """Add delta (may be negative) to an account's balance; COIN-2 is decide's to check."""
    balances = state.balances
    balances[account] = balances.get(account, 0) + delta


def bounty_on(state: State, member_id: str) -> int:
    """A member's bounty: the escrow of the open contracts on them (§5)."""
    return sum(
        state.contracts[contract].bounty for contract in state.contracts_on.get(member_id, ())
    )


def coins_accounted(state: State) -> int:
    """COIN-3: every coin minted is in a balance or in escrow."""
    return state.escrow + sum(state.balances.values())
