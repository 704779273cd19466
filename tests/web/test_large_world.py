"""A world of 100,000 events: the page paints from a handful of requests, members are found by
search and paged, and the graph is drawn around one member. The time to first paint is measured
(build/page.json), never asserted."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, Page, expect

API_CALLS = re.compile(r"/worlds/big/(view|events|members)")


def first_paint(browser: Browser, base: str) -> tuple[float, list[str]]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(f"{base}/w/big")
        page.wait_for_function("window.firstPaint", timeout=60_000)
        painted = float(page.evaluate("window.firstPaint"))
        expect(page.locator("#members tr[data-member]")).to_have_count(30)
        return painted, [url for url in requests if "/feed" not in url]
    finally:
        page.close()


def test_a_large_world_paints_from_a_handful_of_requests(
    browser: Browser, big_world: str, page_figures: dict[str, object]
) -> None:
    events = httpx.get(f"{big_world}/worlds/big/events?limit=1", timeout=60).json()["head"]
    assert events >= 100_000
    cold, _ = first_paint(browser, big_world)  # the server loads the world from its store
    warm, requests = first_paint(browser, big_world)
    page_figures.update(
        large_world_events=events,
        large_world_first_paint_ms_cold_server=round(cold),
        large_world_first_paint_ms=round(warm),
        large_world_requests_to_first_paint=len(requests),
    )
    assert len(requests) <= 12, requests
    assert len([url for url in requests if API_CALLS.search(url)]) <= 3, requests


def test_a_member_of_a_large_world_is_found_by_search(page: Page, big_world: str) -> None:
    page.goto(f"{big_world}/w/big")
    expect(page.locator("#members tr[data-member]")).to_have_count(30)
    expect(page.locator("#member-count")).to_have_text(re.compile(r"^1–30 of [\d,]{5,}$"))
    page.fill("#member-q", "Member 4321")
    row = page.locator('#members tr[data-member="m004321"]')
    expect(row).to_have_count(1)
    expect(page.locator("#members tr[data-member]")).to_have_count(1)
    expect(page.locator("#member-count")).to_have_text("1–1 of 1")
    page.fill("#member-q", "")
    page.click("#members-next")
    expect(page.locator("#member-count")).to_have_text(re.compile(r"^31–60 of "))
    # The graph is drawn around one member, a chosen one on asking: their neighbours only.
    page.locator("#members tr[data-member] button.centre").first.click()
    expect(page.locator("#graph-around")).to_contain_text("around m0000")
    drawn = page.locator("#graph circle.member").count()
    assert 1 <= drawn <= 200


def timeline_seqs(page: Page) -> list[int]:
    seqs: list[int] = page.eval_on_selector_all(
        "#timeline li[data-seq]", "items => items.map((li) => Number(li.dataset.seq))"
    )
    return seqs


def test_the_timeline_of_a_large_world_never_jumps_over_events_it_has_not_read(
    page: Page, big_world: str
) -> None:
    """The log is read in pages: after the first and the last, the timeline around an event
    in the middle shows its own neighbours only, and reads earlier ones on asking."""
    page.goto(f"{big_world}/w/big")
    expect(page.locator("#live")).to_have_class(re.compile(r"\bon\b"))
    page.locator("body").press("Home")
    expect(page.locator("#slider")).to_have_value("1")
    page.evaluate("go(50000)")
    expect(page.locator("#timeline li.here")).to_have_attribute("data-seq", "50000")
    seqs = timeline_seqs(page)
    assert seqs == list(range(seqs[0], seqs[0] - len(seqs), -1)), "a gap in the timeline"
    assert seqs[-1] > 1000  # none of the first page's events, far before
    page.click("#timeline a.earlier")
    expect(page.locator("#timeline li.here")).to_have_attribute("data-seq", str(seqs[-1] - 1))
