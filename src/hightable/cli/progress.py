"""Progress bars on stderr for long replays, imports, exports and verifications: how far, out
of how many, and how fast."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from hightable.cli import consoles


class RateColumn(ProgressColumn):
    """Events a second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} events/s" if speed else "")


class Meter:
    """The callback the service tells how far it got (a seq, or a count), and its total. Its
    row shows from the first count on: a short replay, never told one, shows nothing."""

    def __init__(self, progress: Progress, label: str, total: int | None) -> None:
        self.progress = progress
        self.label = label
        self.total = total
        self.task: TaskID | None = None

    def __call__(self, count: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task(self.label, total=self.total)
        self.progress.update(self.task, completed=count)

    def expect(self, total: int | None) -> None:
        self.total = total
        if self.task is not None:
            self.progress.update(self.task, total=total)


_active: list[Progress] = []  # one live display at a time: a bar inside another is its row


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Meter]:
    if _active:
        meter = Meter(_active[-1], label, total)
        try:
            yield meter
        finally:
            if meter.task is not None:
                meter.progress.refresh()  # its last state shown before its row goes
                meter.progress.remove_task(meter.task)
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=consoles.err,
        transient=True,
        disable=not consoles.err.is_terminal,
    ) as progress:
        _active.append(progress)
        try:
            yield Meter(progress, label, total)
        finally:
            _active.pop()
