"""Fixtures of the API tests: one server process per module, and fresh worlds on it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from servers import World, start_server, stop_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("api") / "hightable.db"
    process, base = start_server(f"sqlite:///{store}")
    yield base
    stop_server(process)


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as opened:
        yield opened


@pytest.fixture
def world(client: httpx.Client) -> World:
    world = World(client)
    for member in ("john", "winston"):
        assert (
            200
            == world.send(by="table", do="register", member=member, name=member.title()).status_code
        )
    world.send(by="table", do="mint", to="john", amount=10)
    return world
