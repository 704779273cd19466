"""Collect the shipped stories (the `stories/` folder) as pytest tests, one item per story."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hightable.stories.runner import play_path


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    stories_folder = parent.config.rootpath / "stories"
    if file_path.suffix in (".yaml", ".yml") and stories_folder in file_path.parents:
        return StoryFile.from_parent(parent, path=file_path)
    return None


class StoryFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield StoryItem.from_parent(self, name=self.path.stem)


class StoryFailed(Exception):
    pass


class StoryItem(pytest.Item):
    def runtest(self) -> None:
        result = play_path(self.path)
        if not result.passed:
            raise StoryFailed(result.line())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, StoryFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"story {self.path.name}"
