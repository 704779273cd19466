"""The API's doors: odd cursors, paths, instants and bodies are refusals, failures are named."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hightable.api import create_app
from hightable.api.errors import Refused
from hightable.api.feed import resume_after
from hightable.errors import StoreError
from hightable.limits import body_bytes_max
from servers import OPERATOR_HEADERS, START, World, start_server, stop_server

# Instants that leave the calendar once moved to UTC, or that would not sort as text.
OFF_CALENDAR = ["9999-12-31T23:59:59-01:00", "0001-01-01T00:30:00+01:00"]


def read(world: World, route: str, **params: str) -> httpx.Response:
    return world.client.get(f"/worlds/{world.id}/{route}", params=params, headers=world.headers())


def test_a_view_path_index_is_ascii_digits(world: World) -> None:
    """A list index of other scripts' digits, or past 2^63, is ID-3 naming the path, not a 500."""
    for index in ("²", "٣", "５", "0x1", str(2**63), "9" * 400):
        answer = read(world, "view", path=f"members.john.offices.{index}")
        assert (404, "ID-3") == (answer.status_code, answer.json()["rule"]), index
        assert answer.json()["message"].startswith("path: ")
    assert 404 == read(world, "view", path="members.john²").status_code


def test_last_event_id_is_an_ascii_seq_up_to_2_62(world: World) -> None:
    """Last-Event-ID past 2^62, negative, or not ASCII decimal is CMD-1 (422), before any stream."""
    for junk in (str(2**63), str(2**62 + 1), "-1", "１２".encode(), "+5", "5x", "0x10"):
        answer = world.client.get(
            f"/worlds/{world.id}/feed",
            params={"seconds": 1},
            headers={**world.headers(), "Last-Event-ID": junk},  # type: ignore[dict-item]
        )
        assert (422, "CMD-1") == (answer.status_code, answer.json()["rule"]), junk
        assert answer.json()["message"].startswith("Last-Event-ID: ")


def test_resume_after_reads_only_a_whole_ascii_seq() -> None:
    """What no HTTP client can send (a newline, a leading space) is refused as well."""
    assert [0, 0, 7, 2**62] == [resume_after(x) for x in (None, "0", "7", str(2**62))]
    for junk in (" 5", "5\n", "5 ", "٥", "", "1_000"):
        with pytest.raises(Refused) as raised:
            resume_after(junk)
        assert ("CMD-1", True) == (
            raised.value.refusal.rule,
            raised.value.refusal.message.startswith("Last-Event-ID: "),
        )


@pytest.mark.parametrize("instant", OFF_CALENDAR)
def test_instants_off_the_calendar_are_cmd_1_naming_the_field(
    world: World, client: httpx.Client, instant: str
) -> None:
    """`?at=`, a fork's `at` and a world's `start` past the calendar's ends are CMD-1 (422)."""
    answers = {
        "at": read(world, "view", at=instant),
        "dossier at": read(world, "members/john/dossier", at=instant),
        "fork at": client.post(
            f"/worlds/{world.id}/fork",
            headers=world.headers(),
            json={"world": f"{world.id}-f", "at": instant},
        ),
        "start": client.post(
            "/worlds",
            json={"world": f"{world.id}-n", "start": instant},
            headers=OPERATOR_HEADERS,
        ),
    }
    for field, answer in answers.items():
        assert (422, "CMD-1") == (answer.status_code, answer.json()["rule"]), (field, answer.text)
        assert answer.json()["message"].startswith(field.split()[-1] + ": "), answer.text


def chunks(size: int) -> Iterator[bytes]:
    """A body sent chunked: no content-length declares it."""
    for _ in range(size // 65_536 + 1):
        yield b"x" * 65_536


def test_a_chunked_body_past_1_mib_is_413_on_every_route(world: World) -> None:
    """LIMIT-1 counts the bytes as they arrive: a chunked body gets 413 whatever the route."""
    for path in ("/worlds", f"/worlds/{world.id}/commands", f"/worlds/{world.id}/batch"):
        answer = world.client.post(
            path,
            headers={**world.headers(), "content-type": "application/json"},
            content=chunks(body_bytes_max + 1),
        )
        assert (413, "LIMIT-1") == (answer.status_code, answer.json()["rule"]), path
    assert 200 == read(world, "view").status_code


@pytest.fixture
def broken(tmp_path: Path) -> Iterator[tuple[httpx.Client, str, Path]]:
    """A real server over a SQLite store, a world on it, and the store's path."""
    store = tmp_path / "broken.db"
    process, base = start_server(f"sqlite:///{store}")
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            created = client.post(
                "/worlds", json={"world": "w", "start": START}, headers=OPERATOR_HEADERS
            )
            yield client, created.json()["table_token"], store
    finally:
        stop_server(process)


def test_a_failing_store_is_store_1_not_cmd_1(broken: tuple[httpx.Client, str, Path]) -> None:
    """A store whose table is gone answers 503 naming STORE-1, as JSON, on reads and writes."""
    client, token, store = broken
    with sqlite3.connect(store) as connection:
        connection.execute("ALTER TABLE tokens RENAME TO tokens_gone")
    headers = {"Authorization": f"Bearer {token}"}
    command = {"by": "table", "do": "register", "member": "john", "name": "J", "at": START}
    for answer in (
        client.get("/worlds/w/view", headers=headers),
        client.get("/worlds/w/events", headers=headers),
        client.post("/worlds/w/commands", headers=headers, json=command),
    ):
        assert (503, "STORE-1") == (answer.status_code, answer.json()["rule"]), answer.text


def answer_in_process(failure: Exception, tmp_path: Path) -> httpx.Response:
    """GET /worlds from the app itself, its store's listing raising `failure`."""
    app = create_app(f"sqlite:///{tmp_path / 'failing.db'}")

    def fail(*_: Any) -> Any:
        raise failure

    app.state.service.store.worlds = fail

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://doors") as client:
            return await client.get("/worlds")

    try:
        return asyncio.run(get())
    finally:
        app.state.service.store.close()


@pytest.mark.parametrize(
    ("failure", "status", "rule"),
    [
        (StoreError("the disk is gone"), 503, "STORE-1"),
        (sqlite3.OperationalError("database is locked"), 503, "STORE-1"),
        (KeyError("members"), 500, "INTERNAL-1"),
        (RecursionError("deep"), 500, "INTERNAL-1"),
    ],
)
def test_no_exception_escapes_as_a_bare_500(
    tmp_path: Path, failure: Exception, status: int, rule: str
) -> None:
    """A store's error, a driver's, or any other, is a JSON body naming its rule, no traceback."""
    answer = answer_in_process(failure, tmp_path)
    assert (status, rule) == (answer.status_code, answer.json()["rule"])
    assert type(failure).__name__ in answer.json()["message"] or rule == "STORE-1"
    assert "Traceback" not in answer.text
