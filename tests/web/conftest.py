"""Fixtures of the browser tests: the canon kept by `hightable demo`, served, and Chromium.

Chromium is Debian's (`scripts/ensure-chromium.sh` installs it), driven by Playwright.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from servers import Canon, hightable, start_server, stop_server

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
