"""TERMS-3 watched from the outside: a revocation undoes only what the terms granted.

The stateful test shows every accepted command's events to a `GrantBook`. The events that carry
out grants follow the `terms_accepted` or `terms_fulfilled` they belong to; those that undo them
follow the `terms_renounced` or `terms_expired`, up to the breach that closes the revocation. An
undoing the book never saw granted is a revocation of what the terms did not grant."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hightable.core.events import Event

Effect = tuple[str, ...]


def granted_effect(event: Any) -> Effect | None:
    """What a grant event did, in the words of the grant."""
    return {
        "excommunicado_lifted": lambda: ("lift_excommunicado", event.member),
        "member_admitted": lambda: ("admit", event.family, event.member),
        "manager_appointed": lambda: ("restore_manager", event.hotel, event.member),
        "hotel_consecrated": lambda: ("consecrate", event.hotel),
    }.get(event.type, lambda: None)()


def undone_effect(event: Any) -> Effect | None:
    """What a revocation event undid, in the words of the grant it undoes."""
    return {
        "excommunicado_restored": lambda: ("lift_excommunicado", event.member),
        "member_exiled": lambda: ("admit", event.family, event.member),
        "manager_relieved": lambda: ("restore_manager", event.hotel, event.member),
        "hotel_deconsecrated": lambda: ("consecrate", event.hotel),
    }.get(event.type, lambda: None)()


class GrantBook:
    """What each terms granted, as the events told it."""

    def __init__(self) -> None:
        self.granted: dict[str, set[Effect]] = {}
        self.accepted: set[str] = set()  # terms accepted: only their end revokes anything
        self.revocations = 0  # revocations that undid something, for the figures

    def observe(self, events: Iterable[Event]) -> None:
        granting = revoking = None
        for event in events:
            kind, terms = event.type, getattr(event, "terms", None)
            if kind in ("terms_accepted", "terms_fulfilled"):
                granting, revoking = terms, None
                (self.accepted.add if kind == "terms_accepted" else self.accepted.discard)(terms)
            elif kind in ("terms_renounced", "terms_expired"):
                granting, revoking = None, terms if terms in self.accepted else None
            elif granting is not None and granted_effect(event) is not None:
                self.granted.setdefault(granting, set()).add(granted_effect(event))  # type: ignore[arg-type]
            elif revoking is not None and undone_effect(event) is not None:
                undone = undone_effect(event)
                # TERMS-3: what the terms granted is revoked, and nothing else.
                assert undone in self.granted.get(revoking, set()), (
                    f"revoking {revoking} undid {undone}, which it never granted "
                    f"(it granted {sorted(self.granted.get(revoking, set()))})"
                )
                self.revocations += 1
            elif kind != "contract_cancelled" or granting is None:
                granting = revoking = None


def interactions(events: list[Any]) -> list[str]:
    """The meetings of rules one accepted command reached, named for the figures."""
    kinds = [event.type for event in events]
    reached = {
        "fulfilled two terms at once": kinds.count("terms_fulfilled") >= 2,
        "met two requirements at once": kinds.count("requirement_met") >= 2,
        "cancelled contracts by grant": "contract_cancelled" in kinds
        and any(k in kinds for k in ("terms_accepted", "terms_fulfilled", "duel_resolved")),
        "revoked accepted terms": "breach_recorded" in kinds
        and any(k in kinds for k in ("terms_renounced", "terms_expired")),
        "let two deadlines fall at once": sum(kind in DEADLINE_KINDS for kind in kinds) >= 2,
        "resolved a duel with a forfeit": any(
            getattr(e, "forfeited", None) for e in events if e.type == "duel_resolved"
        ),
        "granted a duel's winner": "duel_resolved" in kinds
        and any(granted_effect(e) or e.type == "contract_cancelled" for e in events),
        "voided markers by death": "marker_voided" in kinds,
        "claimed a contract": "contract_claimed" in kinds,
    }
    return [name for name, happened in reached.items() if happened]


DEADLINE_KINDS = ("terms_expired", "excommunicado_took_effect")
