"""POST /worlds/{world}/commands: the core's words reach an HTTP client unchanged."""

from __future__ import annotations

import pytest

from servers import World
from test_messages import MISTYPED


@pytest.mark.parametrize(("fields", "told"), MISTYPED)
def test_did_you_mean_over_http(world: World, fields: dict[str, object], told: str) -> None:
    answer = world.send(by="table", **fields)
    assert (422, "CMD-1", told) == (
        answer.status_code,
        *map(answer.json().get, ("rule", "message")),
    )


def test_idem_1_over_http_names_the_field_that_differs(world: World) -> None:
    assert 200 == world.send(by="john", do="transfer", to="winston", amount=5, cid="p").status_code
    again = world.send(by="john", do="transfer", to="winston", amount=7, cid="p")
    assert (409, "IDEM-1") == (again.status_code, again.json()["rule"])
    assert "amount is 7, not 5 as first sent" in again.json()["message"]
