"""Grants and requirements (§8): how terms and duels write them, and what a grant does.

A grant is written `lift_excommunicado`, `{admit: F}`, `{cancel_contracts_on: M}`,
`{restore_manager: {hotel: H, member: M}}` or `{consecrate: H}`; a requirement `{eliminate: M}`,
`swear_fealty` or `{pay: N}`. They are checked at the edge (CMD-1) and read as tuples after.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from hightable.core.commands import MAX_AMOUNT
from hightable.core.contracts import ContractCancelled
from hightable.core.engine import Draft, applies
from hightable.core.events import Event, event_type
from hightable.core.families import MemberAdmitted
from hightable.core.hotels import HotelConsecrated, ManagerAppointed
from hightable.core.state import State, clear_deadline, update

GRANTS = {"admit": "family", "cancel_contracts_on": "member", "consecrate": "hotel"}


def read_grant(written: Any) -> tuple[Any, ...] | str:
    """A grant as a tuple (kind, *ids), or a CMD-1 problem."""
    if written == "lift_excommunicado":
        return ("lift_excommunicado",)
    if isinstance(written, dict) and len(written) == 1:
        ((kind, value),) = written.items()
        if kind in GRANTS and isinstance(value, str):
            return (kind, value)
        if (
            kind == "restore_manager"
            and isinstance(value, dict)
            and set(value) == {"hotel", "member"}
        ):
            if all(isinstance(item, str) for item in value.values()):
                return (kind, value["hotel"], value["member"])
    return (
        f"{str(written)[:80]!r} is no grant (lift_excommunicado, {{admit: F}}, "
        "{cancel_contracts_on: M}, {restore_manager: {hotel: H, member: M}}, {consecrate: H})"
    )


def read_requirement(written: Any) -> tuple[Any, ...] | str:
    """A requirement as a tuple (kind, value), or a CMD-1 problem."""
    if written == "swear_fealty":
        return ("swear_fealty",)
    if isinstance(written, dict) and len(written) == 1:
        ((kind, value),) = written.items()
        if kind == "eliminate" and isinstance(value, str):
            return (kind, value)
        if kind == "pay" and type(value) is int and value <= MAX_AMOUNT:
            return (kind, value)
    return f"{str(written)[:80]!r} is no requirement ({{eliminate: M}}, swear_fealty, {{pay: N}})"


def grants_of(written: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Grants already checked at the edge (CMD-1), as tuples."""
    return [_checked(read_grant(item)) for item in written]


def requirements_of(written: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Requirements already checked at the edge (CMD-1), as tuples."""
    return [_checked(read_requirement(item)) for item in written]


def _checked(parsed: tuple[Any, ...] | str) -> tuple[Any, ...]:
    if isinstance(parsed, str):
        raise ValueError(f"unchecked grant or requirement: {parsed}")
    return parsed


def read_all(written: list[Any], read: Any, name: str) -> list[tuple[Any, ...]] | str:
    items = []
    for index, item in enumerate(written):
        parsed = read(item)
        if isinstance(parsed, str):
            return f"{name}[{index}]: {parsed}"
        items.append(parsed)
    return items


def grant_refs(name: str, grants: list[Any]) -> Iterator[tuple[str, str, str]]:
    """(path, kind, id) of every object the grants name: for ID-1 and ID-3."""
    for index, written in enumerate(grants):
        grant = read_grant(written)
        if isinstance(grant, str) or grant[0] == "lift_excommunicado":
            continue
        if grant[0] == "restore_manager":
            yield f"{name}[{index}].hotel", "hotel", grant[1]
            yield f"{name}[{index}].member", "member", grant[2]
        else:
            yield f"{name}[{index}]", GRANTS[grant[0]], grant[1]


@event_type
class ExcommunicadoLifted(Event, tag="excommunicado_lifted"):
    member: str
    terms: str | None = None
    duel: str | None = None


def grant_events(
    draft: Draft,
    member_id: str,
    grants: list[Any] | tuple[Any, ...],
    terms: str | None = None,
    duel: str | None = None,
) -> list[Event]:
    """The events that carry out grants for a member; a grant with nothing to change adds none.

    Each grant is judged on `draft.now()`, the state every event made before it in the command
    led to: two grants cancelling the same contracts cancel them once (COIN-3).
    """
    events: list[Event] = []
    for grant in grants_of(grants):
        events += _grant_events(draft.now(), draft, member_id, grant, terms, duel)
    return events


def _grant_events(
    state: State,
    draft: Draft,
    member_id: str,
    grant: tuple[Any, ...],
    terms: str | None,
    duel: str | None,
) -> list[Event]:
    member, kind = state.members[member_id], grant[0]
    if kind == "lift_excommunicado" and member.excommunicado_from is not None:
        return [draft.event(ExcommunicadoLifted, member=member_id, terms=terms, duel=duel)]
    if kind == "admit" and member.family is None and member.recruit_of is None:
        return [draft.event(MemberAdmitted, family=grant[1], member=member_id, terms=terms)]
    if kind == "cancel_contracts_on":
        return [
            draft.event(
                ContractCancelled, contract=contract_id, bounty=state.contracts[contract_id].bounty
            )
            for contract_id in state.contracts_on.get(grant[1], ())
        ]
    if kind == "restore_manager" and state.hotels[grant[1]].manager != grant[2]:
        if not state.members[grant[2]].deceased:
            return [draft.event(ManagerAppointed, hotel=grant[1], member=grant[2], terms=terms)]
    if kind == "consecrate" and not state.hotels[grant[1]].consecrated:
        return [draft.event(HotelConsecrated, hotel=grant[1], terms=terms)]
    return []


@applies(ExcommunicadoLifted)
def apply_excommunicado_lifted(state: State, event: ExcommunicadoLifted) -> None:
    update(
        state.members,
        event.member,
        excommunicado=False,
        excommunicado_from=None,
        lifted_by_terms=event.terms,
    )
    clear_deadline(state, f"excommunicado:{event.member}")
