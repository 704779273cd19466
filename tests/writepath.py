"""What the tests of the write path share: a world of four, random commands among them, and
faults injected into the writer's calls of the core."""

from __future__ import annotations

import random
from typing import Any

import msgspec
import pytest

import hightable.service.writing as service_module
from hightable.core import Accepted, Refusal, State
from hightable.service import WorldService
from hightable.storm.faults import FaultyStore

START = "2019-05-17T17:00:00Z"


def frozen(state: State | Refusal) -> bytes:
    assert isinstance(state, State)
    return msgspec.json.encode(state)


def setup_world(service: WorldService) -> None:
    assert not isinstance(service.create("w", START), Refusal)
    for member in ("john", "winston", "sofia", "charon"):
        outcome = service.execute(
            "w", {"by": "table", "do": "register", "member": member, "name": member, "at": START}
        )
        assert isinstance(outcome, Accepted)
    service.execute("w", {"by": "table", "do": "mint", "to": "john", "amount": 1000, "at": START})


def random_command(rng: random.Random, index: int) -> dict[str, Any]:
    members = ("john", "winston", "sofia", "charon")
    kind = rng.randrange(4)
    if kind == 0:
        body = {"do": "transfer", "to": rng.choice(members), "amount": rng.randint(1, 30)}
    elif kind == 1:
        body = {"do": "post_contract", "contract": f"c{index}", "target": rng.choice(members)}
        body["bounty"] = rng.randint(1, 50)
    elif kind == 2:
        body = {"do": "cancel_contract", "contract": f"c{rng.randrange(max(index, 1))}"}
    else:
        body = {"do": "aid", "member": rng.choice(members), "help": "a pistol"}
    return {"by": rng.choice(members), "at": START, "cid": f"cid-{index}", **body}


def inject_into(
    monkeypatch: pytest.MonkeyPatch, name: str, rng: random.Random, faulty: FaultyStore
) -> None:
    """Make the service's `name` (the core's decide or seal) raise a random fault now and then."""
    real = getattr(service_module, name)

    def sometimes_failing(*args: Any, **kwargs: Any) -> Any:
        fault = faulty.maybe() if rng.random() < 0.3 else None
        if fault:
            raise fault
        return real(*args, **kwargs)

    monkeypatch.setattr(service_module, name, sometimes_failing)
