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


def test_a_batch_asks_the_store_for_its_token_once_not_once_a_command() -> None:
    """A batch of a thousand commands is not three thousand reads of the store's tokens: the
    token is read once, and each command's sender checked against it (ACCESS-2)."""
    from hightable.api.errors import Refused
    from hightable.api.models import BatchRequest
    from hightable.api.routes.commands import send_batch
    from hightable.service import WorldService
    from hightable.store import MemoryStore

    class Counting(WorldService):
        asked = 0

        def token_holder(self, world: str, token: str) -> str | None:
            self.asked += 1
            return super().token_holder(world, token)

    service = Counting(MemoryStore())
    service.create("w", "2019-05-17T17:00:00Z")
    service.execute(
        "w",
        {
            "by": "table",
            "do": "register",
            "member": "john",
            "name": "J",
            "at": "2019-05-17T17:00:00Z",
        },
    )
    table, john = service.issue_token("w"), service.issue_token("w", "john")
    ticks = BatchRequest(commands=[{"by": "table", "do": "tick"}] * 50)
    assert send_batch("w", ticks, service, table).applied  # type: ignore[union-attr]
    assert 1 == service.asked
    mixed = BatchRequest(commands=[{"by": "john", "do": "tick"}, {"by": "table", "do": "tick"}])
    try:
        send_batch("w", mixed, service, john)
        raise AssertionError("a member's token sent a command as the table")
    except Refused as refused:
        assert ("ACCESS-2", 403) == (refused.refusal.rule, refused.status)
