"""Grants and requirements (§8): how terms and duels write them, and what a grant does.

A grant is written `lift_excommunicado`, `{admit: F}`, `{cancel_contracts_on: M}`,
`{restore_manager: {hotel: H, member: M}}` or `{consecrate: H}`; a requirement `{eliminate: M}`,
`swear_fealty` or `{pay: N}`. Commands, events and the state keep the written form: it is the
log's bytes and part of the state a `state_sealed` event vouches for (CHAIN-2). `read_grant` and
`read_requirement` check it at the edge (CMD-1) and turn it into the typed values below, which
are what the rules read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Annotated, NoReturn

import msgspec
from msgspec import Meta

from hightable.core.commands import SLUG_SCHEMA
from hightable.core.contracts import ContractCancelled
from hightable.core.engine import Draft
from hightable.core.events import Event
from hightable.core.excommunicado import ExcommunicadoLifted
from hightable.core.families import MemberAdmitted
from hightable.core.hotels import HotelConsecrated, ManagerAppointed
from hightable.core.state import State
from hightable.core.suggest import did_you_mean
from hightable.core.texts import shown
from hightable.limits import amount_max, id_length_max


def _one_key(key: str, value: dict[str, object]) -> dict[str, object]:
    return {
        "type": "object",
        "properties": {key: value},
        "required": [key],
        "additionalProperties": False,
    }


_ID = {
    "type": "string",
    "description": "an id: a slug (ID-1)",
    "maxLength": id_length_max,
    **SLUG_SCHEMA,
}
# The written forms as JSON Schema, for the catalogue, the OpenAPI and the story schema; what
# checks them is `read_grant` and `read_requirement`, which name what is wrong.
GRANT_SCHEMA: dict[str, object] = {
    "description": "a grant (§8)",
    "oneOf": [
        {"const": "lift_excommunicado"},
        _one_key("admit", _ID),
        _one_key("cancel_contracts_on", _ID),
        _one_key(
            "restore_manager",
            {
                "type": "object",
                "properties": {"hotel": _ID, "member": _ID},
                "required": ["hotel", "member"],
                "additionalProperties": False,
            },
        ),
        _one_key("consecrate", _ID),
    ],
}
REQUIREMENT_SCHEMA: dict[str, object] = {
    "description": "a requirement (§8)",
    "oneOf": [
        _one_key("eliminate", _ID),
        {"const": "swear_fealty"},
        _one_key("pay", {"type": "integer", "minimum": -amount_max, "maximum": amount_max}),
    ],
}
# Grants or requirements as a command writes them: each item is read by `read_grant` or
# `read_requirement`, which name what is wrong with it.
Grants = Annotated[
    list[Annotated[object, Meta(extra_json_schema=GRANT_SCHEMA)]], Meta(max_length=16)
]
Requirements = Annotated[
    list[Annotated[object, Meta(extra_json_schema=REQUIREMENT_SCHEMA)]], Meta(max_length=16)
]


class LiftExcommunicado(msgspec.Struct, frozen=True, gc=False):
    """`lift_excommunicado`: the recipient's excommunicado ends."""


class Admit(msgspec.Struct, frozen=True, gc=False):
    """`{admit: F}`: the recipient joins family F."""

    family: str


class CancelContractsOn(msgspec.Struct, frozen=True, gc=False):
    """`{cancel_contracts_on: M}`: every open contract on M is cancelled."""

    member: str


class RestoreManager(msgspec.Struct, frozen=True, gc=False):
    """`{restore_manager: {hotel: H, member: M}}`: M manages H again."""

    hotel: str
    member: str


class Consecrate(msgspec.Struct, frozen=True, gc=False):
    """`{consecrate: H}`: hotel H is consecrated ground again."""

    hotel: str


Grant = LiftExcommunicado | Admit | CancelContractsOn | RestoreManager | Consecrate


class MustEliminate(msgspec.Struct, frozen=True, gc=False):
    """`{eliminate: M}`: the recipient eliminates M, confirmed."""

    target: str


class MustSwearFealty(msgspec.Struct, frozen=True, gc=False):
    """`swear_fealty`: the recipient swears fealty."""


class MustPay(msgspec.Struct, frozen=True, gc=False):
    """`{pay: N}`: the recipient transfers at least N coins to the offerer."""

    amount: int


Requirement = MustEliminate | MustSwearFealty | MustPay


def read_grant(written: object) -> Grant | str:
    """A grant from its written form, or a CMD-1 problem."""
    if written == "lift_excommunicado":
        return LiftExcommunicado()
    if isinstance(written, dict) and len(written) == 1:
        ((kind, value),) = written.items()
        if isinstance(value, str):
            if kind == "admit":
                return Admit(value)
            if kind == "cancel_contracts_on":
                return CancelContractsOn(value)
            if kind == "consecrate":
                return Consecrate(value)
        if kind == "restore_manager" and isinstance(value, dict) and len(value) == 2:
            hotel, member = value.get("hotel"), value.get("member")
            if isinstance(hotel, str) and isinstance(member, str):
                return RestoreManager(hotel, member)
    return fault(written, GRANT_FORMS, "grant")


def read_requirement(written: object) -> Requirement | str:
    """A requirement from its written form, or a CMD-1 problem."""
    if written == "swear_fealty":
        return MustSwearFealty()
    if isinstance(written, dict) and len(written) == 1:
        ((kind, value),) = written.items()
        if kind == "eliminate" and isinstance(value, str):
            return MustEliminate(value)
        if kind == "pay" and type(value) is int and -amount_max <= value <= amount_max:
            return MustPay(value)
    return fault(written, REQUIREMENT_FORMS, "requirement")


# Each form by its key: how it is written and what its value is (None: a word alone).
GRANT_FORMS: dict[str, tuple[str, str] | None] = {
    "lift_excommunicado": None,
    "admit": ("{admit: F}", "a family's id"),
    "cancel_contracts_on": ("{cancel_contracts_on: M}", "a member's id"),
    "restore_manager": (
        "{restore_manager: {hotel: H, member: M}}",
        "a mapping of hotel and member",
    ),
    "consecrate": ("{consecrate: H}", "a hotel's id"),
}
REQUIREMENT_FORMS: dict[str, tuple[str, str] | None] = {
    "eliminate": ("{eliminate: M}", "a member's id"),
    "swear_fealty": None,
    "pay": ("{pay: N}", f"a whole number of coins, at most {amount_max:,}"),
}


def fault(written: object, forms: dict[str, tuple[str, str] | None], what: str) -> str:
    """What is wrong with a written grant or requirement, in plain words, and its forms."""
    listing = ", ".join(form[0] if form else key for key, form in forms.items())
    return f"{_problem(written, forms, what)} (a {what} is one of {listing})"


def _problem(written: object, forms: dict[str, tuple[str, str] | None], what: str) -> str:
    if isinstance(written, dict) and len(written) == 1:
        ((key, value),) = written.items()
        form = forms.get(key)
        if form and isinstance(value, dict):
            has = ", ".join(map(str, value)) or "nothing"
            return f"{key}: holds {has}; it is {form[1]}, nothing else"
        if form:
            return f"{key}: {shown(value)} is not {form[1]}"
        if key in forms:
            return f"{key} is written alone, as a word, not as a key with a value"
        return f"{shown(key)} is no {what}{did_you_mean(key, forms)}"
    if isinstance(written, dict):
        keys = ", ".join(map(shown, written)) or "none"
        return f"a {what} has one key, and this has {len(written)} ({keys})"
    if isinstance(written, str):
        form = forms.get(written)
        if form:
            return f"{written} needs a value, {form[1]}: {form[0]}"
        return f"{shown(written)} is no {what}{did_you_mean(written, forms)}"
    return f"a {what} is a word or a mapping of one key, not {shown(written)}"


def grants_of(written: Iterable[object]) -> list[Grant]:
    """Grants already checked at the edge (CMD-1), typed."""
    read = [read_grant(item) for item in written]
    return [_unchecked(grant) if isinstance(grant, str) else grant for grant in read]


def requirements_of(written: Iterable[object]) -> list[Requirement]:
    """Requirements already checked at the edge (CMD-1), typed."""
    read = [read_requirement(item) for item in written]
    return [_unchecked(need) if isinstance(need, str) else need for need in read]


def _unchecked(problem: str) -> NoReturn:
    """The edge lets no such value in: reaching here is a programmer's error."""
    raise ValueError(f"unchecked grant or requirement: {problem}")


def first_problem(written: list[object], read: Callable[[object], object], name: str) -> str | None:
    """CMD-1: the first item `read` cannot read, named by its place (`grants[2]: ...`)."""
    for index, item in enumerate(written):
        parsed = read(item)
        if isinstance(parsed, str):
            return f"{name}[{index}]: {parsed}"
    return None


def grant_refs(name: str, written: list[object]) -> Iterator[tuple[str, str, str]]:
    """(path, kind, id) of every object the grants name: for ID-1 and ID-3."""
    for index, item in enumerate(written):
        match read_grant(item):
            case Admit(family):
                yield f"{name}[{index}]", "family", family
            case CancelContractsOn(member):
                yield f"{name}[{index}]", "member", member
            case RestoreManager(hotel, member):
                yield f"{name}[{index}].hotel", "hotel", hotel
                yield f"{name}[{index}].member", "member", member
            case Consecrate(hotel):
                yield f"{name}[{index}]", "hotel", hotel


def requirement_refs(name: str, written: list[object]) -> Iterator[tuple[str, str, str]]:
    """(path, kind, id) of every member the requirements name: for ID-1 and ID-3."""
    for index, item in enumerate(written):
        requirement = read_requirement(item)
        if isinstance(requirement, MustEliminate):
            yield f"{name}[{index}]", "member", requirement.target


def described(grant: Grant) -> str:
    """A grant in a few words: its kind and the object it first names."""
    match grant:
        case LiftExcommunicado():
            return "lift_excommunicado"
        case Admit(family):
            return f"admit {family}"
        case CancelContractsOn(member):
            return f"cancel_contracts_on {member}"
        case RestoreManager(hotel):
            return f"restore_manager {hotel}"
        case Consecrate(hotel):
            return f"consecrate {hotel}"


def grant_events(
    draft: Draft,
    member_id: str,
    grants: Iterable[Grant],
    terms: str | None = None,
    duel: str | None = None,
) -> list[Event]:
    """The events that carry out grants for a member; a grant with nothing to change adds none.

    Each grant is judged on `draft.now()`, the state every event made before it in the command
    led to: two grants cancelling the same contracts cancel them once (COIN-3).
    """
    events: list[Event] = []
    for grant in grants:
        events += _grant_events(draft.now(), draft, member_id, grant, terms, duel)
    return events


def _grant_events(
    state: State, draft: Draft, member_id: str, grant: Grant, terms: str | None, duel: str | None
) -> list[Event]:
    member = state.members[member_id]
    match grant:
        case LiftExcommunicado() if member.excommunicado_from is not None:
            return [draft.event(ExcommunicadoLifted, member=member_id, terms=terms, duel=duel)]
        case Admit(family) if member.family is None and member.recruit_of is None:
            return [draft.event(MemberAdmitted, family=family, member=member_id, terms=terms)]
        case CancelContractsOn(target):
            return [
                draft.event(
                    ContractCancelled,
                    contract=contract_id,
                    bounty=state.contracts[contract_id].bounty,
                )
                for contract_id in state.contracts_on.get(target, ())
            ]
        case RestoreManager(hotel, manager) if state.hotels[hotel].manager != manager:
            if not state.members[manager].deceased:
                return [draft.event(ManagerAppointed, hotel=hotel, member=manager, terms=terms)]
        case Consecrate(hotel) if not state.hotels[hotel].consecrated:
            return [draft.event(HotelConsecrated, hotel=hotel, terms=terms)]
    return []
