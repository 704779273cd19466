"""The command line's doors: odd arguments, odd files and failures end in one line and an exit code.

Exit codes (README): 1 a refusal, 2 a usage error, 3 a corrupt log, 4 a failing store, 5 any
other failure; never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import run
from hightable.errors import Corrupt, StoreError

START = "2019-05-17T17:00:00Z"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store holding the world `w` with the member john."""
    path = tmp_path / "books.db"
    monkeypatch.setenv("HIGHTABLE_STORE", f"sqlite:///{path}")
    assert 0 == run("world", "new", "w", "--start", START)[0]
    assert 0 == run("do", "w", "--by", "table", "register", "member=john", "name=John")[0]
    return path


def refused(code: int, named: str, *arguments: str) -> None:
    """The command exits with `code`, in one line naming `named`."""
    exit_code, output = run(*arguments)
    assert (code, True) == (exit_code, named in output), output
    assert 1 == len(output.strip().splitlines()), output


def test_a_field_python_cannot_build_is_a_usage_error_naming_it(store: Path) -> None:
    """An amount of 4,301 digits, or YAML nested 20,000 deep, is exit 2 naming the field."""
    refused(2, "amount:", "do", "w", "--by", "table", "mint", "to=john", "amount=" + "9" * 4301)
    refused(2, "grants:", "do", "w", "--by", "john", "offer_terms", "grants=" + "[" * 20_000)


def test_a_command_file_python_cannot_build_is_a_usage_error_naming_it(
    store: Path, tmp_path: Path
) -> None:
    """The same values in a --file are exit 2 naming --file."""
    for name, text in {
        "digits.yaml": "- {by: table, do: mint, to: john, amount: " + "9" * 4301 + "}\n",
        "deep.yaml": "- {by: table, do: mint, to: john, amount: " + "[" * 20_000 + "}\n",
        "deep.jsonl": '{"by": "table", "amount": ' + "[" * 20_000 + "]" * 20_000 + "}\n",
    }.items():
        (tmp_path / name).write_text(text)
        refused(2, "--file:", "do", "w", "--file", str(tmp_path / name))


def test_an_argument_that_is_no_utf8_is_refused_before_any_store(store: Path) -> None:
    """Bytes that are no UTF-8 in argv (a lone surrogate's) are exit 2, naming the argument."""
    done = subprocess.run(
        [sys.executable, "-m", "hightable", "do", "w", "--by", "table", "register"]
        + [b"member=bob", b"name=\xed\xa0\x80"],
        capture_output=True,
        env={**os.environ, "HIGHTABLE_STORE": f"sqlite:///{store}"},
        check=False,
    )
    assert (2, b"") == (done.returncode, done.stdout)
    assert b"error: argument 7, name=\\xed\\xa0\\x80, is not UTF-8 text\n" == done.stderr
    refused(2, "argument 2", "view", "w\udced")


def test_a_seq_past_2_62_is_a_usage_error(store: Path) -> None:
    """`log --from 2**64` and `--limit 2**64` name the option; nothing reaches the store."""
    for option in ("--from", "--limit"):
        code, output = run("log", "w", option, str(2**64))
        assert (2, True) == (code, option in output), output


def test_an_out_that_cannot_be_opened_is_a_usage_error(store: Path) -> None:
    """`export --out` into a folder that does not exist names --out."""
    nowhere = "/nonexistent/dir/x.jsonl"
    refused(2, f"--out: {nowhere}: No such file", "export", "w", "--out", nowhere)


def test_files_are_read_up_to_a_limit_and_no_further(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--file /dev/zero stops at 32 MiB, import at its limit, a story at 4 MiB: each refused."""
    began = time.monotonic()
    refused(2, "--file: /dev/zero is larger than", "do", "w", "--file", "/dev/zero")
    monkeypatch.setattr("hightable.cli.worlds.import_bytes_max", 1_000_000)
    refused(2, "FILE: /dev/zero is larger than 1,000,000 bytes", "import", "/dev/zero")
    code, output = run("play", "/dev/zero")
    assert (1, True) == (code, "larger than" in output), output
    assert time.monotonic() - began < 30


@pytest.mark.parametrize("instant", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:30:00+01:00"])
def test_instants_off_the_calendar_are_usage_errors_naming_the_option(
    store: Path, instant: str
) -> None:
    """--start, --at of view, fork and do: exit 2 naming the option, the store unchanged."""
    refused(2, "--start:", "world", "new", "x", "--start", instant)
    refused(2, "--at:", "view", "w", "--at", instant)
    refused(2, "--at:", "fork", "w", "x", "--at", instant)
    refused(2, "--at:", "do", "w", "--by", "table", "--at", instant, "mint", "to=john", "amount=1")
    assert "x " not in run("world", "list")[1]


def test_a_story_title_with_markup_is_printed_as_written(tmp_path: Path) -> None:
    """A story titled `[/b] [a-z0-9]` plays, and its title is printed verbatim."""
    story = tmp_path / "markup.yaml"
    story.write_text(
        "story: '[/b] [a-z0-9] :smile:'\nstart: 2019-05-17T17:00:00Z\nsteps:\n"
        "  - {by: table, do: register, member: john, name: John}\n"
    )
    code, output = run("play", str(story))
    assert (0, f"PASS {story}  [/b] [a-z0-9] :smile:\n1 passed, 0 failed\n") == (code, output)


def test_a_refusal_with_brackets_is_printed_as_written(store: Path) -> None:
    """ID-1's message names the pattern [a-z0-9]...: it reaches the shell whole."""
    code, output = run("do", "w", "--by", "table", "register", "member=Bad!", "name=x")
    expected = "refused  register: ID-1 (Ids are slugs): member: 'Bad!' is not a slug "
    assert (1, expected + "([a-z0-9][a-z0-9-]{0,63})\n") == (code, output)


def test_a_store_failing_midway_exits_4_in_one_line(store: Path) -> None:
    """A store whose table is gone, once opened: exit 4, the store's error in one line."""
    with sqlite3.connect(store) as connection:
        connection.execute("ALTER TABLE tokens RENAME TO tokens_gone")
    refused(4, "the store failed: ", "world", "token", "w")


@pytest.mark.parametrize(
    ("failure", "code", "named"),
    [
        (Corrupt("seq 7 is missing"), 3, "the log is corrupt: seq 7 is missing"),
        (StoreError("the disk is gone"), 4, "the store failed: the disk is gone"),
        (KeyError("members"), 5, "unexpected failure: KeyError: 'members'"),
        (RuntimeError("first\nsecond"), 5, "unexpected failure: RuntimeError: first"),
    ],
)
def test_any_exception_left_is_one_line_and_its_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception, code: int, named: str
) -> None:
    """What no command caught ends as one line: corrupt 3, store 4, anything else 5."""

    def fail(*_: object) -> None:
        raise failure

    monkeypatch.setattr("hightable.stories.play_path", fail)
    (tmp_path / "any.yaml").write_text("story: x\n")
    refused(code, named, "play", str(tmp_path / "any.yaml"))


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres:s3cret@127.0.0.1:1/none?connect_timeout=2",
        "sqlite:////nonexistent/dir/s3cret.db",
    ],
)
def test_a_store_that_cannot_be_opened_is_one_line_naming_it_once(url: str) -> None:
    """The store's own error, in one line, its URL said once and never its password."""
    code, output = run("world", "list", "--store", url)
    assert (2, 1) == (code, len(output.strip().splitlines())), output
    assert ("s3cret@" in output, output.count("://")) == (False, 1), output


def test_a_store_without_worlds_is_named_without_its_password(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres_url.replace("postgres@", "postgres:s3cret@", 1)
    monkeypatch.setenv("HIGHTABLE_STORE", url)
    code, output = run("world", "list")
    assert (0, False, True) == (code, "s3cret" in output, "no world in" in output), output


def test_control_characters_in_names_and_notes_reach_no_terminal(store: Path) -> None:
    """A name or a note any sender wrote is printed with its control characters as pictures:
    it cannot recolour, move or retitle the reader's terminal."""
    name, note = "Evil\x1b[31mRed\x1b[0m", "# Title\nthe scene\x1b]0;owned\x07\x9b2J"
    register = ["do", "w", "--by", "table", "register", "member=eve"]
    assert 0 == run(*register, f"name={name}", f"note={note}")[0]
    for arguments in (["log", "w"], ["view", "w", "--dossier", "eve"]):
        code, output = run(*arguments)
        controls = [c for c in output if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]
        assert (0, [], True) == (code, controls, "Evil\u241b[31mRed" in output), output
        assert "Title · the scene\u241b]0;owned" in output, output  # a scene on its event's line
