"""§13: which rule a refusal names when a command breaks several."""

from __future__ import annotations

from typing import Any

from hightable.core import Accepted, Ledger, Refusal

START = "2019-05-17T17:00:00Z"
LATER = "2019-05-17T18:00:00Z"


def world() -> Ledger:
    ledger = Ledger.create("w", START)
    assert isinstance(ledger, Ledger)
    for member in ("john", "ares", "cassian"):
        ledger.execute(
            {"by": "table", "do": "register", "member": member, "name": member, "at": START}
        )
    ledger.execute({"by": "table", "do": "mint", "to": "john", "amount": 100, "at": START})
    pay = {"by": "john", "do": "transfer", "to": "ares", "amount": 1, "at": LATER, "cid": "used"}
    assert isinstance(ledger.execute(pay), Accepted)
    return ledger


def rule_of(ledger: Ledger, **command: Any) -> str:
    outcome = ledger.execute(command)
    assert isinstance(outcome, Refusal), outcome
    return outcome.rule


def test_time_1_comes_before_a_command_sent_to_another_world() -> None:
    """TIME-1 before ID-3: a command dated before the clock and naming another world."""
    ledger = world()
    command = {"by": "john", "do": "transfer", "to": "ares", "amount": 1, "world": "elsewhere"}
    assert "TIME-1" == rule_of(ledger, **command, at=START)
    assert "ID-3" == rule_of(ledger, **command, at=LATER)


def test_idem_1_comes_before_a_command_sent_to_another_world() -> None:
    """IDEM-1 before ID-3: a used cid, another body, and another world named."""
    ledger = world()
    command = {"by": "john", "do": "transfer", "to": "ares", "amount": 2, "at": LATER}
    assert "IDEM-1" == rule_of(ledger, **command, cid="used", world="elsewhere")
    assert isinstance(ledger.execute(command | {"cid": "fresh", "world": "w"}), Accepted)
