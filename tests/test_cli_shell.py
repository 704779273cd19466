"""The command line as people expect it: did-you-mean, --version, completion, plain messages,
progress on long logs, and what `world list` and `export --out` say."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from cli_helpers import run
from hightable import __version__
from hightable.service import WorldService
from hightable.store import open_store

HIGHTABLE = Path(sys.executable).parent / "hightable"  # the console script of this venv
EVENTS = 3_000


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'books.db'}"
    monkeypatch.setenv("HIGHTABLE_STORE", url)
    return url


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Standard error as a terminal, so that the progress bars show."""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160, markup=False, emoji=False)
    monkeypatch.setattr("hightable.cli.consoles.err", console)
    return screen


def test_a_mistyped_command_is_named_with_the_closest_one() -> None:
    code, output = run("wrold", "list")
    assert 2 == code
    assert "Error: No such command 'wrold'. Did you mean 'world'?" in output.splitlines()


def test_usage_errors_are_plain_lines_that_keep_user_text_as_it_is() -> None:
    """No box cuts a message in lines, and brackets are text, not markup."""
    code, output = run("view", "[bold]nothing[/bold].yaml", "--at", "[red]noon[/red]")
    assert 2 == code
    assert "[red]noon[/red]" in output
    code, output = run("world", "new", "x" * 150)
    assert 2 == code
    assert "Error: Missing option '--start'." in output.splitlines()
    assert not any(box in output for box in "╭│╰")


def test_version() -> None:
    code, output = run("--version")
    assert 0 == code and f"hightable {__version__}" == output.strip()


def test_completion_is_shown_and_completes_command_names() -> None:
    script = subprocess.run(
        [HIGHTABLE, "--show-completion", "bash"], capture_output=True, text=True, check=True
    )
    assert "_HIGHTABLE_COMPLETE=complete_bash" in script.stdout
    words = {
        "_HIGHTABLE_COMPLETE": "complete_bash",
        "COMP_WORDS": "hightable wor",
        "COMP_CWORD": "1",
    }
    completed = subprocess.run(
        [HIGHTABLE], env={**os.environ, **words}, capture_output=True, text=True, check=True
    )
    assert "world" in completed.stdout.split()


def test_an_empty_store_says_it_holds_no_world(store: str) -> None:
    code, output = run("world", "list")
    assert 0 == code and f"no world in {store}" in output


def long_world(url: str) -> None:
    """A world of a few thousand events, stored without snapshots: a replay reads them all."""
    with open_store(url) as opened:
        service = WorldService(opened, snapshot_every=10**9)
        service.create("long", "2019-05-17T17:00:00Z")
        at = "2019-05-17T17:01:00Z"
        john = {"do": "register", "by": "table", "at": at, "member": "john", "name": "John"}
        mint = {"do": "mint", "by": "table", "at": at, "to": "john", "amount": 1}
        batch = service.execute_batch("long", [john] + [mint] * (EVENTS - 2), atomic=True)
        assert batch.applied


def test_replay_import_and_export_show_a_total_and_a_rate(
    store: str, terminal: io.StringIO, tmp_path: Path
) -> None:
    long_world(store)
    code, output = run("view", "long", "--path", "members.john.balance")
    assert 0 == code and str(EVENTS - 2) == output.strip()
    exported = tmp_path / "long.jsonl"
    code, output = run("export", "long", "--out", str(exported))
    assert 0 == code
    assert f"exported {EVENTS} events of long to {exported}" in output
    assert 0 == run("import", str(exported), "--as", "copy")[0]
    shown = terminal.getvalue()
    for label in ("replaying", "exporting", "importing"):
        bar = [line for line in shown.splitlines() if label in line]
        assert any(f"/{EVENTS}" in line and "events/s" in line for line in bar), (label, bar)
