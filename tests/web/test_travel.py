"""Time travel by events on the canon world: the slider steps through the log, the timeline's
entries move it, the address carries the instant, the scenes are read, and a phone fits."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from servers import SCREENSHOTS, Canon

WORLD = "john-wick"


def open_at(page: Page, canon: Canon, instant: str) -> None:
    page.goto(f"{canon.base}/w/{WORLD}?at={instant}")
    expect(page.locator("#instant")).to_have_text(instant)


def johns_status(page: Page):  # type: ignore[no-untyped-def]
    return page.locator('#members tr[data-member="john"] .status')


def test_stepping_event_by_event_john_is_cast_out_at_the_end_of_his_hour(
    page: Page, canon: Canon
) -> None:
    open_at(page, canon, "2019-05-17T17:05:00Z")  # the Table's contract, in his hour of grace
    expect(johns_status(page)).to_have_text("excommunicado in 55m")
    page.locator("body").press("ArrowRight")  # the next event: the hour runs out
    expect(page.locator("#instant")).to_have_text("2019-05-17T18:00:00Z")
    expect(johns_status(page)).to_have_text("excommunicado")
    expect(page.locator("#caption .said")).to_contain_text("John Wick's grace ran out")
    expect(page).to_have_url(re.compile(r"\?at=2019-05-17T18%3A00%3A00Z&seq=\d+$"))
    page.locator("body").press("ArrowLeft")
    expect(johns_status(page)).to_have_text("excommunicado in 55m")
    # Parabellum's days, one after the other, by the day's button.
    for day in ("2019-05-18", "2019-05-19", "2019-05-20", "2019-05-21"):
        page.click("#next-day")
        expect(page.locator("#instant")).to_have_text(re.compile(f"^{day}T"))
    expect(johns_status(page)).to_have_text("presumed dead")


def test_the_slider_steps_by_event(page: Page, canon: Canon) -> None:
    open_at(page, canon, "2019-05-17T17:05:00Z")
    seq = int(page.eval_on_selector("#slider", "s => s.value"))
    page.eval_on_selector(
        "#slider", "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }", seq + 1
    )
    expect(page.locator("#instant")).to_have_text("2019-05-17T18:00:00Z")
    assert page.eval_on_selector("#slider", "s => s.step") == "1"
    expect(page.locator("#ticks .tick")).not_to_have_count(0)
    expect(page.locator("#ticks .chapter")).to_have_text(
        ["Years before", "Chapter 2", "Parabellum", "Chapter 4"]
    )


def test_a_timeline_entry_is_a_link_to_its_instant(page: Page, canon: Canon) -> None:
    page.goto(f"{canon.base}/w/{WORLD}")
    expect(page.locator("#live")).to_have_class(re.compile(r"\bon\b"))
    entry = page.locator("#timeline li", has_text="John Wick's grace ran out")
    entry.locator("a.at").click()
    expect(page.locator("#instant")).to_have_text("2019-05-17T18:00:00Z")
    expect(page).to_have_url(re.compile(r"\?at=2019-05-17T18%3A00%3A00Z"))
    expect(johns_status(page)).to_have_text("excommunicado")
    expect(page.locator("#timeline li.here")).to_contain_text("John Wick's grace ran out")
    expect(page.locator("#live")).not_to_have_class(re.compile(r"\bon\b"))


def test_a_shared_address_opens_at_its_instant(page: Page, canon: Canon) -> None:
    open_at(page, canon, "2019-05-17T17:30:00Z")
    expect(johns_status(page)).to_have_text("excommunicado in 30m")
    expect(page.locator("#members")).to_contain_text("deceased")  # Santino, at 16:58


def test_the_scene_of_a_canon_step_is_read_and_chapters_are_jumped_to(
    page: Page, canon: Canon
) -> None:
    open_at(page, canon, "2019-05-17T18:10:00Z")  # the Bowery King's seven bullets
    expect(page.locator("#caption .scene")).to_contain_text("The Bowery King's seven bullets")
    expect(page.locator("#caption .scene b")).to_have_text("Parabellum")
    expect(page.locator("#timeline .scene", has_text="seven bullets")).to_have_count(1)
    page.locator("body").press("]")
    expect(page.locator("#caption .scene b")).to_have_text("Chapter 4")
    expect(page.locator("#instant")).to_have_text("2023-03-20T12:00:00Z")


def test_the_graph_keeps_its_layout_across_instants(page: Page, canon: Canon) -> None:
    page.goto(f"{canon.base}/w/{WORLD}")
    expect(page.locator("#live")).to_have_class(re.compile(r"\bon\b"))
    john = page.locator('#graph circle[data-member="john"]')
    live = (john.get_attribute("cx"), john.get_attribute("cy"))
    open_at(page, canon, "2019-05-17T18:00:00Z")
    expect(john).to_have_attribute("cx", live[0] or "")
    expect(john).to_have_attribute("cy", live[1] or "")


def test_a_phone_reads_the_page_without_scrolling_sideways(browser: Browser, canon: Canon) -> None:
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        phone.goto(f"{canon.base}/w/{WORLD}?at=2019-05-17T18:10:00Z")
        expect(phone.locator("#caption .scene")).to_contain_text("seven bullets")
        expect(phone.locator('#members tr[data-member="john"] .status')).to_have_text(
            "excommunicado"
        )
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert "width=device-width" in (
            phone.locator('meta[name="viewport"]').get_attribute("content") or ""
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=SCREENSHOTS / "world-page-390.png", full_page=False)
        phone.goto(f"{canon.base}/w/{WORLD}/members/john")
        expect(phone.locator("#member-name")).to_have_text("John Wick (john)")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        phone.close()


def test_screenshots_for_the_docs(page: Page, canon: Canon) -> None:
    """The page at 1400 px, as of the Bowery King's aid, beside the phone's (docs/, README)."""
    open_at(page, canon, "2019-05-17T18:10:00Z")
    expect(page.locator("#caption .scene")).to_contain_text("seven bullets")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "world-page-1400.png", full_page=False)
    assert (SCREENSHOTS / "world-page-1400.png").stat().st_size > 10_000


def test_a_dossier_tells_a_members_story_at_a_glance(page: Page, canon: Canon) -> None:
    page.goto(f"{canon.base}/w/{WORLD}/members/john")
    expect(page.locator("#member-name")).to_have_text("John Wick (john)")
    expect(page.locator("#chart svg.chart")).to_have_count(2)
    expect(page.locator("#chart svg.bounty")).to_contain_text("at most 40,000,000")
    expect(page.locator("#chart svg.balance circle")).not_to_have_count(0)
    said = page.locator("#timeline li", has_text="John Wick killed Zero at the Continental")
    expect(said).to_have_count(1)
    scene = page.locator("#timeline .scene", has_text="John will not kill his friend")
    expect(scene).to_be_visible()
    # A breach in the dossier is said as the breaker's.
    expect(page.locator("#timeline li.breach", has_text="John Wick broke TERMS-3")).to_have_count(1)
