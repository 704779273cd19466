"""The operator's command line: tokens listed and revoked, worlds archived and deleted, a story
kept again in place of the world it built before."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import run, runner
from hightable.cli import app
from hightable.service import WorldService
from hightable.store import open_store

ROOT = Path(__file__).parents[1]
STORY = str(ROOT / "stories" / "canon" / "ballerina.yaml")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'books.db'}"
    monkeypatch.setenv("HIGHTABLE_STORE", url)
    assert 0 == run("world", "new", "w", "--start", "2019-05-17T17:00:00Z")[0]
    assert 0 == run("do", "w", "--by", "table", "register", "member=john", "name=John")[0]
    return url


def holder_of(url: str, token: str) -> str | None:
    store = open_store(url)
    try:
        return WorldService(store).token_holder("w", token)
    finally:
        store.close()


def test_tokens_are_listed_without_secrets_and_revoked(store: str) -> None:
    table = run("world", "token", "w")[1].strip()
    john = run("world", "token", "w", "--member", "john")[1].strip()
    code, listed = run("world", "tokens", "w")
    assert 0 == code and 2 == len(listed.splitlines())
    assert table not in listed and john not in listed and table.split(".")[1] not in listed
    john_id = next(line.split()[0] for line in listed.splitlines() if " john " in line)
    assert (0, f"token {john_id} of w revoked\n") == run("world", "revoke", "w", john_id)
    assert (None, "table") == (holder_of(store, john), holder_of(store, table))
    assert "revoked 2" in run("world", "tokens", "w")[1]
    code, again = run("world", "revoke", "w", john_id)
    assert 1 == code and "ID-3" in again
    assert 1 == run("world", "tokens", "nowhere")[0]


def test_world_2_an_archived_world_refuses_commands_until_unarchived(store: str) -> None:
    assert 0 == run("world", "archive", "w")[0]
    code, refused = run("do", "w", "--by", "table", "mint", "to=john", "amount=5")
    assert 1 == code and "WORLD-2" in refused
    assert 0 == run("view", "w", "--path", "members.john.name")[0]
    assert 0 == run("world", "archive", "w", "--undo")[0]
    assert 0 == run("do", "w", "--by", "table", "mint", "to=john", "amount=5")[0]


def test_delete_asks_unless_yes(store: str) -> None:
    declined = runner.invoke(app, ["world", "delete", "w"], input="n\n")
    assert 1 == declined.exit_code and "nothing was deleted" in declined.output
    assert "w " in run("world", "list")[1]
    confirmed = runner.invoke(app, ["world", "delete", "w"], input="y\n")
    assert 0 == confirmed.exit_code, confirmed.output
    assert "no world in" in run("world", "list")[1]
    assert 0 == run("world", "new", "w", "--start", "2019-05-17T17:00:00Z")[0]
    assert (0, "world w deleted\n") == run("world", "delete", "w", "--yes")
    code, missing = run("world", "delete", "w", "--yes")
    assert 1 == code and "ID-3" in missing


def test_play_keep_replace_deletes_then_keeps(store: str) -> None:
    code, refused = run("play", STORY, "--keep", "w")
    assert 1 == code and "WORLD-1" in refused
    code, kept = run("play", STORY, "--keep", "w", "--replace")
    assert 0 == code and "world w deleted" in kept and "kept as world w" in kept
    assert '"John Wick"' in run("view", "w", "--path", "members.john.name")[1]  # the story's
    assert 0 == run("verify", "w")[0]
    code, fresh = run("play", STORY, "--keep", "new-one", "--replace")
    assert 0 == code and "deleted" not in fresh
    assert 2 == run("play", STORY, "--replace")[0]


def test_serve_refuses_an_unknown_log_format_before_serving() -> None:
    code, output = run("serve", "--store", "memory://", "--log-format", "xml")
    assert 2 == code and "--log-format" in output and "json, text, none" in output
