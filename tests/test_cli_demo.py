"""`hightable demo`: the stories as they are now, nothing left behind on failure, a clear exit
when its port is taken; and a command line that imports no web stack until a server starts."""

from __future__ import annotations

import ast
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_helpers import run
from hightable.resources import canon_folder
from hightable.service import WorldService
from hightable.store import open_store

STORY = "parabellum-sofias-marker"
EXTRA_STEP = "  - {by: table, do: mint, to: john, amount: 1}\n"


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    folder = tmp_path / "canon"
    folder.mkdir()
    shutil.copy(canon_folder() / f"{STORY}.yaml", folder)
    return folder


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        yield taken.getsockname()[1]


def events_of(url: str, world: str) -> int:
    with open_store(url) as store:
        return WorldService(store).head_seq(world) or 0


def test_demo_plays_the_stories_as_they_are_now(
    stories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --store, each run plays the stories afresh: an edited story is seen."""
    served: list[int] = []
    monkeypatch.setattr(
        "hightable.cli.demo.run_server", lambda url, *_: served.append(events_of(url, STORY))
    )
    port = free_port()
    assert 0 == run("demo", "--stories", str(stories), "--port", str(port))[0]
    with (stories / f"{STORY}.yaml").open("a") as story:
        story.write(EXTRA_STEP)
    assert 0 == run("demo", "--stories", str(stories), "--port", str(port))[0]
    assert served[1] == served[0] + 1


def test_a_world_kept_from_another_version_of_its_story_is_played_again(
    stories: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    assert 0 == run("demo", "--stories", str(stories), "--store", url, "--no-serve")[0]
    before = events_of(url, STORY)
    code, output = run("demo", "--stories", str(stories), "--store", url, "--no-serve")
    assert (0, before) == (code, events_of(url, STORY))
    assert "played again" not in output
    with (stories / f"{STORY}.yaml").open("a") as story:
        story.write(EXTRA_STEP)
    code, output = run("demo", "--stories", str(stories), "--store", url, "--no-serve")
    assert 0 == code
    assert f"world {STORY} was kept from another version of" in output
    assert events_of(url, STORY) == before + 1


def test_a_failing_demo_leaves_no_store_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, busy_port: int
) -> None:
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    code, output = run("demo", "--stories", str(empty), "--store", "sqlite:///demo.db")
    assert 2 == code and "no story in" in output
    code, output = run("demo", "--port", str(busy_port))
    assert 6 == code
    assert f"cannot listen on 127.0.0.1:{busy_port}" in output
    assert [empty] == list(tmp_path.iterdir())


def test_serve_on_a_busy_port_exits_6(tmp_path: Path, busy_port: int) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    code, output = run("serve", "--store", url, "--port", str(busy_port))
    assert 6 == code and "cannot listen" in output


def test_the_command_line_imports_no_web_stack_until_a_server_starts() -> None:
    """`hightable rules COIN-3` runs without the web stack, the store, or pydantic (which typer
    would import to check text)."""
    probe = (
        "import sys; sys.argv = ['hightable', 'rules', 'COIN-3']\n"
        "from hightable.cli import main\n"
        "try:\n    main()\nfinally:\n"
        "    print(sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert 0 == ran.returncode, ran.stderr
    assert "hightable.core.coins:" in ran.stdout
    loaded = set(ast.literal_eval(ran.stderr.strip().splitlines()[-1]))
    assert not loaded & {"fastapi", "uvicorn", "starlette", "pydantic", "psycopg", "sqlite3"}
    assert "hightable" in loaded


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])
