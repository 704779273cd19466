"""Load a YAML story (§15) into steps, with the line number of each, refusing broken shapes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from hightable.core.commands import is_slug
from hightable.core.instants import InstantError, parse_instant, parse_step_time
from hightable.core.rules import RULES
from hightable.core.texts import is_scalar_text
from hightable.limits import (
    story_bytes_max,
    story_flow_nesting_max,
    story_steps_max,
    story_values_max,
)

STORY_KEYS = {"story", "start", "steps", "world"}


class StoryError(Exception):
    """A story that cannot be played as written: its file, line and what is wrong."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Step:
    line: int
    at: str  # the instant the step happens (a check: the clock it was written after)
    command: dict[str, object] | None = None
    expect: str | None = None  # None: accepted; else the rule ID of the refusal expected
    dated: bool = True  # False: no `at` was written, the step is a minute after the one before
    check: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Story:
    path: str
    title: str
    world: str
    start: str
    steps: list[Step]


class _StoryLoader(yaml.SafeLoader):
    """SafeLoader refusing deep flow nesting as it scans: PyYAML's scanner slows quadratically
    with it (seconds at a few thousand levels), long before the composer's recursion fails."""

    def fetch_flow_collection_start(self, token_class: type[yaml.Token]) -> None:
        if self.flow_level >= story_flow_nesting_max:
            problem = f"nested deeper than {story_flow_nesting_max} [ or {{"
            raise yaml.scanner.ScannerError(None, None, problem, self.get_mark())
        super().fetch_flow_collection_start(token_class)


def load_story(path: Path | str) -> Story:
    name = str(path)
    with Path(path).open("rb") as file:
        raw = file.read(story_bytes_max + 1)  # reading stops past the limit
    if len(raw) > story_bytes_max:
        raise StoryError(name, 1, f"the story is larger than {story_bytes_max} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise StoryError(name, line, f"not UTF-8 text (byte {error.start})") from None
    data, step_lines = _parse_yaml(name, text)
    return _build_story(name, data, step_lines)


def _parse_yaml(name: str, text: str) -> tuple[object, list[int]]:
    try:
        loader = _StoryLoader(text)  # refuses control characters at once (a ReaderError)
    except yaml.YAMLError as error:
        line = text[: getattr(error, "position", 0)].count("\n") + 1
        raise StoryError(name, line, f"not valid YAML: {error}") from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_nodes(name, node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise StoryError(name, line, f"not valid YAML: {problem}{_usual_cause(problem)}") from None
    except RecursionError:
        raise StoryError(name, loader.line + 1, "not valid YAML: nested too deeply") from None
    except (ValueError, OverflowError) as error:  # a value YAML reads but Python cannot hold
        raise StoryError(name, 1, f"a value out of range: {str(error)[:200]}") from None
    finally:
        loader.dispose()
    lines: list[int] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "steps" and isinstance(value, yaml.SequenceNode):
                lines = [item.start_mark.line + 1 for item in value.value]
    return data, lines


def _usual_cause(problem: str) -> str:
    """What a YAML parser's complaint usually means in a story."""
    if problem.startswith("mapping values are not allowed") or problem.endswith("but got ':'"):
        return (
            " (usually an unquoted colon inside a value, as in a title or text: quote the"
            ' value, "John: Wick")'
        )
    return ""


def _check_nodes(name: str, root: yaml.Node) -> None:
    """Every text is Unicode scalar values (CMD-1), and aliases expand to a bounded document."""
    stack, count = [root], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > story_values_max:
            raise StoryError(name, 1, f"more than {story_values_max} values, aliases expanded")
        if isinstance(node, yaml.ScalarNode):
            if not is_scalar_text(node.value):
                line = node.start_mark.line + 1
                raise StoryError(name, line, "a lone surrogate (\\uD800-\\uDFFF) is no character")
        elif isinstance(node, yaml.MappingNode):
            stack += [item for pair in node.value for item in pair]
        else:
            stack += node.value


def _build_story(name: str, data: object, step_lines: list[int]) -> Story:
    if not isinstance(data, dict):
        raise StoryError(name, 1, "a story is a mapping with story, start and steps")
    unknown = set(map(str, data)) - STORY_KEYS
    if unknown:
        known = ", ".join(sorted(STORY_KEYS))
        raise StoryError(name, 1, f"unknown key {sorted(unknown)[0]!r} (a story has {known})")
    for key in ("story", "start", "steps"):
        if key not in data:
            raise StoryError(name, 1, f"missing {key!r}")
    try:
        start = parse_instant(data["start"])
    except InstantError as error:
        raise StoryError(name, 1, f"start: {error}") from None
    if not isinstance(data["steps"], list):
        raise StoryError(name, 1, "steps: a list of steps")
    if len(data["steps"]) > story_steps_max:
        raise StoryError(name, 1, f"more than {story_steps_max} steps")
    world = str(data.get("world") or _world_id(Path(name).stem))
    if not is_slug(world):
        raise StoryError(name, 1, f"world: {world[:80]!r} is not a slug (ID-1)")
    steps, last = [], start
    for raw_step, line in zip(data["steps"], step_lines, strict=True):
        step = _build_step(name, line, raw_step, last)
        steps.append(step)
        last = step.at
    return Story(name, str(data["story"]), world, start, steps)


def _build_step(name: str, line: int, raw: object, last: str) -> Step:
    if not isinstance(raw, dict):
        raise StoryError(name, line, "a step is a mapping (by, do and fields, or check)")
    if "check" in raw:
        if set(raw) != {"check"}:
            extra = sorted(map(str, set(raw) - {"check"}))[0]
            raise StoryError(name, line, f"a check step takes only 'check', not {extra!r}")
        if not isinstance(raw["check"], dict) or not raw["check"]:
            raise StoryError(name, line, "check: a mapping of view paths to expected values")
        return Step(
            line, last, check={str(key): plain(value) for key, value in raw["check"].items()}
        )
    if "do" not in raw:
        raise StoryError(name, line, "a step needs 'do' (a command) or 'check'")
    try:
        at = parse_step_time(raw["at"], last) if "at" in raw else _one_minute_after(last)
    except InstantError as error:
        raise StoryError(name, line, f"at: {error}") from None
    expect = _expectation(name, line, raw.get("expect", "ok"))
    command = {str(key): plain(value) for key, value in raw.items() if key not in ("at", "expect")}
    command["at"] = at
    return Step(line, at, command=command, expect=expect, dated="at" in raw)


def _expectation(name: str, line: int, expect: object) -> str | None:
    if expect in ("ok", None):
        return None
    if isinstance(expect, dict) and set(expect) == {"refused"}:
        rule = str(expect["refused"])
        if rule not in RULES:
            raise StoryError(
                name, line, f"expect: {rule!r} is no rule ID (`hightable rules` lists them)"
            )
        return rule
    raise StoryError(name, line, "expect: 'ok' or {refused: RULE-ID}")


def _one_minute_after(instant: str) -> str:
    return parse_step_time("+1m", instant)


def _world_id(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64].strip("-")
    return slug or "story"


def plain(value: object) -> object:
    """YAML values as JSON would carry them: timestamps become instants (any other value
    YAML can build is passed on as it is, for the command's checks to refuse)."""
    if isinstance(value, datetime):
        try:
            return parse_instant(value)
        except InstantError:
            return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
