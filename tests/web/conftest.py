"""Fixtures of the browser tests: the canon kept by `hightable demo`, served, and Chromium.

Chromium is Debian's (`scripts/ensure-chromium.sh` installs it), driven by Playwright.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from servers import Canon, hightable, start_server, stop_server

sys.path.insert(0, str(Path(__file__).parents[2]))
from bench.workload import instant, world_commands  # noqa: E402

from hightable.core import Ledger  # noqa: E402
from hightable.service import WorldService  # noqa: E402
from hightable.store import open_store  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def canon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Canon]:
    store = f"sqlite:///{tmp_path_factory.mktemp('canon') / 'hightable.db'}"
    printed = hightable("demo", "--store", store, "--no-serve")
    process, base = start_server(store)
    yield Canon(base, store, printed)
    stop_server(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("HIGHTABLE_CHROMIUM") or shutil.which("chromium")
    assert executable, "Chromium is missing: run scripts/ensure-chromium.sh"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    opened.close()
    assert not errors, f"the page threw: {errors}"


BIG_STEPS = 65_000  # the benchmark's generator makes a little over 100,000 events of them
PAGE_FIGURES = Path(__file__).parents[2] / "build" / "page.json"


@pytest.fixture(scope="session")
def big_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A public world of 100,000 events or more from the benchmark's generator, served; built
    once a session."""
    store = f"sqlite:///{tmp_path_factory.mktemp('big') / 'hightable.db'}"
    ledger = Ledger.create("big", instant(0))
    assert isinstance(ledger, Ledger)
    for command in world_commands(3, 1_000, BIG_STEPS):
        ledger.execute(command)
    assert len(ledger.events) >= 100_000
    with open_store(store) as opened:
        service = WorldService(opened)
        service.adopt("big", ledger.events)
        service.set_public("big", True)
    process, base = start_server(store)
    yield base
    stop_server(process)


@pytest.fixture(scope="session")
def page_figures() -> Iterator[dict[str, object]]:
    """What the page's tests measured, written to build/page.json for docs/performance.md."""
    figures: dict[str, object] = {}
    yield figures
    if figures:
        PAGE_FIGURES.parent.mkdir(parents=True, exist_ok=True)
        PAGE_FIGURES.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
