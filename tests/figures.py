"""What the reliability tests reached in this run (steps, crashes, inputs, tampers), written to
build/reliability.json when the session ends, for docs/reliability.md."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

FIGURES_FILE = Path(__file__).parents[1] / "build" / "reliability.json"


class Figures:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def count(self, name: str, amount: int = 1) -> None:
        self.counts[name] += amount

    def save(self) -> None:
        if self.counts:
            FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
            FIGURES_FILE.write_text(json.dumps(dict(sorted(self.counts.items())), indent=2) + "\n")


FIGURES = Figures()
