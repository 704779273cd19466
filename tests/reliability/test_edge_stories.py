"""Stories at the edge: what YAML can say that no story may, each a StoryError with its line.

Never a traceback, never a read of more than the size limit, never a document that expands
beyond bounds.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from hightable.limits import story_bytes_max, story_values_max
from hightable.stories import StoryError, load_story

HEAD = "story: edge\nstart: 2019-05-17T17:00:00Z\n"


def laughs(levels: int) -> str:
    """A check whose value, aliases expanded, holds 10**levels leaves ("billion laughs")."""
    lines = ["  - check:", "      a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"      a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return HEAD + "steps:\n" + "\n".join(lines) + "\n"


BROKEN: list[tuple[str, str, int, str]] = [
    ("deep", HEAD + "steps: " + "[" * 20_000 + "]" * 20_000 + "\n", 3, "nested deeper than 64"),
    ("deep-mapping", HEAD + "steps: " + "{a: " * 20_000 + "1" + "}" * 20_000, 3, "deeper than"),
    ("nul", HEAD + "steps: []\n# \x00\n", 4, "#x0000"),
    (
        "surrogate",
        HEAD + 'steps:\n  - {by: table, do: register, member: x, name: "a\\ud800"}\n',
        4,
        "lone surrogate",
    ),
    (
        "surrogate-key",
        HEAD + 'steps:\n  - check: {"\\udfff": 1}\n',
        4,
        "lone surrogate",
    ),
    (
        "long-integer",
        HEAD + "steps:\n  - {by: table, do: tick, x: " + "7" * 5000 + "}\n",
        1,
        "value out of range",
    ),
    ("year-0", "story: x\nstart: 0000-01-01T00:00:00Z\nsteps: []\n", 1, "value out of range"),
    (
        "offset-of-a-day",
        "story: x\nstart: 2019-01-01T00:00:00+24:00\nsteps: []\n",
        1,
        "value out of range",
    ),
    ("late-start", "story: x\nstart: 9999-12-31T23:59:59-01:00\nsteps: []\n", 1, "outside"),
    (
        "relative-past-9999",
        HEAD + "steps:\n  - {by: table, do: tick, at: +999999999d}\n",
        4,
        "runs past 9999-12-31T23:59:59Z",
    ),
    ("aliases", laughs(7), 1, f"more than {story_values_max} values"),
]


@pytest.mark.parametrize(
    ("text", "line", "named"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_a_story_yaml_cannot_hold_is_a_story_error_with_its_line(
    tmp_path: Path, text: str, line: int, named: str
) -> None:
    """Each is refused as a StoryError at its line, saying what is wrong."""
    path = tmp_path / "edge.yaml"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(StoryError) as caught:
        load_story(path)
    assert (line, True) == (caught.value.line, named in caught.value.message), caught.value
    str(caught.value).encode("utf-8")  # the error can be printed, surrogate or not


def test_a_nul_or_direction_mark_written_as_an_escape_reaches_the_command(tmp_path: Path) -> None:
    """NUL and right-to-left marks are characters: a story may write them, escaped."""
    path = tmp_path / "edge.yaml"
    name = "a\\0b\\u202ec\\u200f"
    path.write_text(HEAD + f'steps:\n  - {{by: table, do: register, member: x, name: "{name}"}}\n')
    story = load_story(path)
    assert story.steps[0].command is not None
    assert "a\x00b\u202ec\u200f" == story.steps[0].command["name"]


def test_reading_a_story_stops_past_the_size_limit(tmp_path: Path) -> None:
    """A story larger than the limit is refused after reading just past it, not all of it."""
    pipe = tmp_path / "endless.yaml"
    os.mkfifo(pipe)
    written = [0]

    def write() -> None:
        chunk = b"#" * 65_536
        try:
            with pipe.open("wb", buffering=0) as sink:
                while written[0] < 4 * story_bytes_max:
                    written[0] += sink.write(chunk) or 0
        except BrokenPipeError:
            pass  # the reader stopped reading: what this test shows

    writer = threading.Thread(target=write)
    writer.start()
    with pytest.raises(StoryError, match="larger than"):
        load_story(pipe)
    writer.join(timeout=30)
    assert (False, True) == (writer.is_alive(), written[0] < 2 * story_bytes_max)


def test_deep_block_nesting_is_a_story_error(tmp_path: Path) -> None:
    """Sequences nested by indentation alone, 200,000 deep on one line, fail cleanly and fast."""
    path = tmp_path / "edge.yaml"
    path.write_text(HEAD + "steps:\n" + "- " * 200_000 + "x\n")
    with pytest.raises(StoryError, match="nested too deeply"):
        load_story(path)
