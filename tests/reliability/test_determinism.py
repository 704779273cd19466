"""Same stories and command files in, byte-identical logs and hashes out: in memory, on SQLite,
on PostgreSQL, and from one run to the next."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from figures import FIGURES
from hightable.cli import app as cli
from hightable.core import Refusal
from hightable.service import WorldService
from hightable.store import open_store
from hightable.stories import load_story, play, story_paths

ROOT = Path(__file__).parents[2]


def stored_log(url: str, world: str) -> list[tuple[int, str, str, bytes, str]]:
    with open_store(url) as store:
        return [(r.seq, r.at, r.type, r.body, r.hash) for r in store.read(world)]


def test_every_story_gives_the_same_bytes_and_hashes_everywhere(
    tmp_path: Path, postgres_url: str
) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'stories.db'}"
    paths = story_paths([ROOT / "stories"])
    assert len(paths) > 50
    for number, path in enumerate(paths):
        world = f"s{number}"
        first, second = play(load_story(path))[1], play(load_story(path))[1]
        in_memory = [(r.seq, r.at, r.type, r.body, r.hash) for r in first.records]
        assert in_memory == [(r.seq, r.at, r.type, r.body, r.hash) for r in second.records]
        for url in (sqlite_url, postgres_url):
            with open_store(url) as store:
                assert not isinstance(WorldService(store).adopt(world, first.events), Refusal)
        # adopt keeps the story's own world id out: compare the chains of the renamed logs
        assert stored_log(sqlite_url, world) == stored_log(postgres_url, world), path
        FIGURES.count("stories compared across stores and runs")


COMMANDS = [
    {"by": "table", "do": "register", "member": "john", "name": "John Wick"},
    {"by": "table", "do": "register", "member": "sofia", "name": "Sofía Al-Azwar ☕"},
    {"by": "table", "do": "mint", "to": "john", "amount": 10},
    {"by": "sofia", "do": "swear_marker", "marker": "m", "holder": "john"},
    {"by": "john", "do": "transfer", "to": "sofia", "amount": 3, "at": "2019-05-17T17:30:00Z"},
    {"by": "john", "do": "transfer", "to": "sofia", "amount": 30},
    {"by": "table", "do": "excommunicate", "member": "john", "grace": 60, "reason": "r"},
    {"by": "table", "do": "tick", "at": "2019-05-18T00:00:00Z"},
]


def test_a_command_file_gives_the_same_export_on_both_stores_and_across_runs(
    tmp_path: Path, postgres_url: str
) -> None:
    commands = tmp_path / "commands.jsonl"
    commands.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in COMMANDS) + "\n")
    exports = []
    urls = [f"sqlite:///{tmp_path / 'a.db'}", postgres_url, f"sqlite:///{tmp_path / 'b.db'}"]
    for url in urls:
        runner = CliRunner()
        assert (
            0
            == runner.invoke(
                cli, ["world", "new", "w", "--start", "2019-05-17T17:00:00Z", "--store", url]
            ).exit_code
        )
        runner.invoke(cli, ["do", "w", "--file", str(commands), "--store", url])
        out = tmp_path / f"export-{len(exports)}.jsonl"
        assert 0 == runner.invoke(cli, ["export", "w", "--out", str(out), "--store", url]).exit_code
        exports.append(out.read_bytes())
    assert exports[0] == exports[1] == exports[2]
    assert exports[0].count(b"\n") >= 6  # the world, five accepted commands, the tick
    assert [stored_log(urls[0], "w")] == [stored_log(urls[1], "w")]
