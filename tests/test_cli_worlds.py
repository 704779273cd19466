"""The command line over stored worlds: new, do, view, log, verify, fork, export, import, --keep."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from cli_helpers import run

ROOT = Path(__file__).parents[1]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite store named by HIGHTABLE_STORE, as a user would set it."""
    path = tmp_path / "books.db"
    monkeypatch.setenv("HIGHTABLE_STORE", f"sqlite:///{path}")
    return path


def parabellum() -> None:
    assert 0 == run("world", "new", "parabellum", "--start", "2019-05-17T17:00:00Z")[0]
    for member in ("john", "winston", "elder"):
        assert (
            0
            == run(
                "do",
                "parabellum",
                "--by",
                "table",
                "register",
                f"member={member}",
                f"name={member.title()}",
            )[0]
        )
    run("do", "parabellum", "--by", "table", "appoint", "member=elder", "office=elder")
    run("do", "parabellum", "--by", "table", "mint", "to=john", "amount=10")


def test_world_new_and_world_1(store: Path) -> None:
    """`world new` creates; the same id again is refused with WORLD-1."""
    parabellum()
    code, output = run("world", "new", "parabellum", "--start", "2019-05-17T17:00:00Z")
    assert 1 == code and "WORLD-1" in output
    code, output = run("world", "list")
    assert "parabellum" in output and "6 events" in output


def test_do_accepts_and_refuses_with_the_rule(store: Path) -> None:
    """`do` prints the events of an accepted command; a refusal exits 1 naming the rule."""
    parabellum()
    code, output = run(
        "do",
        "parabellum",
        "--by",
        "john",
        "--at",
        "2019-05-17T17:05:00Z",
        "transfer",
        "to=winston",
        "amount=4",
    )
    assert 0 == code and "John paid 4 coins to Winston." in output
    code, output = run("do", "parabellum", "--by", "john", "transfer", "to=winston", "amount=40")
    assert 1 == code
    assert (
        "COIN-2 (No balance may go below zero): john holds 6 coins; the transfer needs 40" in output
    )
    code, output = run("do", "parabellum", "--by", "john", "transfer", "to=winston", "amount")
    assert 2 == code and "key=value" in output


def test_do_with_a_cid_is_safe_to_retry(store: Path) -> None:
    """IDEM-1 through the CLI: the retry reports the first outcome."""
    parabellum()
    first = run(
        "do", "parabellum", "--by", "john", "--cid", "p-1", "transfer", "to=winston", "amount=4"
    )
    retry = run(
        "do", "parabellum", "--by", "john", "--cid", "p-1", "transfer", "to=winston", "amount=4"
    )
    assert 0 == first[0] == retry[0] and "a retry" in retry[1]
    assert "6" == run("view", "parabellum", "--path", "members.john.balance")[1].strip()


def test_do_from_files(store: Path, tmp_path: Path) -> None:
    """--file takes a YAML list or JSON lines; --atomic refuses the whole batch on one refusal."""
    parabellum()
    commands = tmp_path / "night.yaml"
    commands.write_text(
        "- {by: john, do: transfer, to: winston, amount: 1, at: 2019-05-17T18:00:00Z}\n"
        "- {by: elder, do: excommunicate, member: john, grace: 60, reason: test,"
        " at: 2019-05-17T18:01:00Z}\n"
    )
    assert 0 == run("do", "parabellum", "--file", str(commands))[0]
    lines = tmp_path / "more.jsonl"
    lines.write_text(
        json.dumps(
            {
                "by": "john",
                "do": "transfer",
                "to": "winston",
                "amount": 1,
                "at": "2019-05-17T18:02:00Z",
            }
        )
        + "\n"
        + json.dumps(
            {
                "by": "john",
                "do": "transfer",
                "to": "winston",
                "amount": 100,
                "at": "2019-05-17T18:03:00Z",
            }
        )
        + "\n"
    )
    code, output = run("do", "parabellum", "--file", str(lines), "--atomic")
    assert 1 == code and "nothing was applied" in output
    assert "9" == run("view", "parabellum", "--path", "members.john.balance")[1].strip()


def test_view_log_and_dossier_of_a_stored_world(store: Path) -> None:
    """`view WORLD --at`, `log`, and a dossier, from the store."""
    parabellum()
    run(
        "do",
        "parabellum",
        "--by",
        "elder",
        "--at",
        "2019-05-17T18:00:00Z",
        "excommunicate",
        "member=john",
        "grace=60",
        "reason=Santino",
    )
    run("do", "parabellum", "--by", "table", "--at", "2019-05-17T20:00:00Z", "tick")
    assert (
        '"active"'
        == run(
            "view", "parabellum", "--at", "2019-05-17T18:59:59Z", "--path", "members.john.status"
        )[1].strip()
    )
    assert (
        '"excommunicado"' == run("view", "parabellum", "--path", "members.john.status")[1].strip()
    )
    code, output = run("log", "parabellum", "--from", "7")
    assert [
        "7  2019-05-17T18:00:00Z  Elder declared John excommunicado (Santino), with an hour "
        "of grace: in effect from 2019-05-17 19:00.",
        "8  2019-05-17T19:00:00Z  John's grace ran out: excommunicado.",
        "9  2019-05-17T20:00:00Z  The clock moved on to 2019-05-17 20:00.",
    ] == [line.strip() for line in output.splitlines()]
    events = [
        json.loads(line)
        for line in run("log", "parabellum", "--json", "--limit", "2")[1].splitlines()
    ]
    assert [1, 2] == [event["seq"] for event in events]
    assert (
        "  status              excommunicado"
        in run("view", "parabellum", "--dossier", "john")[1].splitlines()
    )
    assert 1 == run("view", "nowhere")[0]


def test_verify_names_a_tampered_event(store: Path) -> None:
    """`verify` passes a sound log and names the first broken event of a tampered one."""
    parabellum()
    code, output = run("verify", "parabellum")
    assert 0 == code and "6 events verified" in output
    with sqlite3.connect(store) as connection:
        connection.execute(
            "UPDATE events SET body = replace(body, 'Winston', 'Wins') WHERE seq = 3"
        )
    code, output = run("verify", "parabellum")
    assert 1 == code and "broken at seq 3" in output
    code, output = run("view", "parabellum")
    assert 3 == code and "corrupt" in output


def test_fork_export_import(store: Path, tmp_path: Path) -> None:
    """A fork, and an export imported under another id, are worlds of their own."""
    parabellum()
    run(
        "do",
        "parabellum",
        "--by",
        "john",
        "--at",
        "2019-05-17T19:00:00Z",
        "transfer",
        "to=winston",
        "amount=10",
    )
    assert 0 == run("fork", "parabellum", "what-if", "--at", "2019-05-17T18:00:00Z")[0]
    assert "10" == run("view", "what-if", "--path", "members.john.balance")[1].strip()
    exported = tmp_path / "parabellum.jsonl"
    assert 0 == run("export", "parabellum", "--out", str(exported))[0]
    assert 0 == run("import", str(exported), "--as", "copy")[0]
    assert "0" == run("view", "copy", "--path", "members.john.balance")[1].strip()
    assert 0 == run("verify", "copy")[0]


def test_play_keep_stores_a_storys_world(store: Path) -> None:
    """`play --keep WORLD` keeps the world a story builds."""
    story = ROOT / "stories" / "canon" / "parabellum-sofias-marker.yaml"
    code, output = run("play", str(story), "--keep", "casablanca")
    assert 0 == code and "kept as world casablanca" in output
    assert (
        '"honored"'
        == run("view", "casablanca", "--path", "markers.sofia-owes-john.state")[1].strip()
    )


def test_a_store_that_cannot_be_opened_is_a_clear_error() -> None:
    """A bad --store URL: exit 2 and a message, no traceback."""
    code, output = run("world", "list", "--store", "oracle://nowhere")
    assert 2 == code and "a store URL is" in output


def test_world_token_issues_a_token_whose_hash_alone_is_kept(store: Path) -> None:
    parabellum()
    code, printed = run("world", "token", "parabellum", "--member", "john", "--public")
    token = printed.strip()
    assert 0 == code and token.startswith("parabellum.")
    rows = sqlite3.connect(store).execute("SELECT * FROM tokens").fetchall()
    assert rows and not any(token in map(str, row) for row in rows)
    assert any("john" in map(str, row) for row in rows)
    assert [(1,)] == sqlite3.connect(store).execute("SELECT public FROM worlds").fetchall()


def test_world_token_refuses_an_unknown_world_or_member(store: Path) -> None:
    parabellum()
    code, printed = run("world", "token", "nowhere")
    assert 1 == code and "ID-3" in printed
    code, printed = run("world", "token", "parabellum", "--member", "nobody")
    assert 1 == code and "ID-3" in printed


def test_idem_1_a_retried_command_line_without_at_is_the_same_command(store: Path) -> None:
    """`do --cid` without `--at` defaults to the clock; retried after the clock moved on, it
    takes the stored command's own instant and is answered as the first time (IDEM-1)."""
    assert 0 == run("world", "new", "w", "--start", "2019-05-17T17:00:00Z")[0]
    assert 0 == run("do", "w", "--by", "table", "register", "member=john", "name=John")[0]
    pay = ["do", "w", "--by", "table", "--cid", "mint-1", "mint", "to=john", "amount=5"]
    assert 0 == run(*pay)[0]
    assert 0 == run("do", "w", "--by", "table", "--at", "2019-05-17T18:00:00Z", "tick")[0]
    code, output = run(*pay)
    assert 0 == code and "(a retry: the first outcome)" in output


def test_log_and_dossier_print_a_senders_text_as_text(store: Path) -> None:
    """A scene reads on the event's line, its chapter title before it; a control character in a
    name or a note (ESC could clear a reader's screen) is printed as its escape."""
    assert 0 == run("world", "new", "w", "--start", "2019-05-17T17:00:00Z")[0]
    sent = run("do", "w", "--by", "table", "register", "member=john", "name=John\x1b[2J")
    assert 0 == sent[0] and "\x1b" not in sent[1] and "John\u241b[2J" in sent[1]
    note = "note=# Chapter 2\nThe lounge: \x1b]0;owned\x07"
    assert 0 == run("do", "w", "--by", "table", "mint", "to=john", "amount=5", note)[0]
    code, output = run("log", "w", "--from", "3")
    assert 0 == code and "\x1b" not in output and "\x07" not in output
    assert [
        "3  2019-05-17T17:00:00Z  The High Table minted 5 coins for John\u241b[2J.  "
        "(Chapter 2 · The lounge: \u241b]0;owned\u2407)"
    ] == [line.strip() for line in output.splitlines()]
    dossier = run("view", "w", "--dossier", "john")[1]
    assert "\x1b" not in dossier and "(Chapter 2 · The lounge: \u241b]0;owned\u2407)" in dossier
