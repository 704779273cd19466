"""What a reader meets at the edges of the page: addresses the world cannot show as written, the
last seconds of a grace, keys the browser keeps, long names, narrow screens, text that is no
HTML."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from servers import OPERATOR_HEADERS, Canon, World

GRACE = "parabellum-the-hour-of-grace"  # John cast out at 17:00, in effect at 18:00
SCRIPTED = '<img src=x onerror="window.scripted = 1">'
LONG_WORD = "Supercalifragilistic" * 12


@pytest.fixture
def client(canon: Canon) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=canon.base, timeout=30) as opened:
        yield opened


def sent(world: World, **command: object) -> None:
    answer = world.send(**command)
    assert 200 == answer.status_code, answer.text


def johns_status(page: Page):  # type: ignore[no-untyped-def]
    return page.locator('#members tr[data-member="john"] .status')


def test_the_last_second_of_a_grace_is_not_zero_minutes(page: Page, canon: Canon) -> None:
    page.goto(f"{canon.base}/w/{GRACE}?at=2019-05-17T17:59:59Z")
    expect(johns_status(page)).to_have_text("excommunicado in 1s")
    page.goto(f"{canon.base}/w/{GRACE}?at=2019-05-17T17:58:30Z")
    expect(johns_status(page)).to_have_text("excommunicado in 2m")


def test_a_dossier_counts_the_grace_down_to_the_worlds_clock(
    page: Page, canon: Canon, client: httpx.Client
) -> None:
    world = World(client, public=True)
    sent(world, by="table", do="register", member="john", name="John Wick")
    sent(world, by="table", do="register", member="winston", name="Winston Scott")
    sent(world, by="table", do="appoint", member="winston", office="elder")
    sent(world, by="winston", do="excommunicate", member="john", grace=60, reason="business")
    # Another member's event moves the clock on; John's own last event stays at the sentence.
    sent(world, by="table", do="mint", to="winston", amount=5, at="2019-05-17T17:49:00Z")
    page.goto(f"{canon.base}/w/{world.id}/members/john")
    expect(page.locator("#facts td.status")).to_have_text("excommunicado in 15m")
    page.goto(f"{canon.base}/w/{world.id}")
    expect(johns_status(page)).to_have_text("excommunicado in 15m")


@pytest.mark.parametrize(
    ("at", "said"),
    [
        ("garbage", "cannot be read"),
        ("%D9%A2%D9%A0%D9%A1%D9%A9-05-17T18:00:00Z", "cannot be read"),  # Arabic-Indic digits
        ("9999-12-31T23:59:59Z", "clock stands at 2019-05-17T18:00:00Z"),
        ("2030-01-01T00:00:00%2B02:00", "clock stands at 2019-05-17T18:00:00Z"),
    ],
)
def test_an_address_the_world_cannot_show_opens_it_now_and_says_why(
    page: Page, canon: Canon, at: str, said: str
) -> None:
    page.goto(f"{canon.base}/w/{GRACE}?at={at}")
    expect(page.locator("#error")).to_contain_text(said)
    expect(johns_status(page)).to_have_text("excommunicado")
    expect(page.locator("#live")).to_have_class(re.compile(r"\bon\b"))
    expect(page).to_have_url(re.compile(rf"/w/{GRACE}$"))


def test_an_address_before_the_world_began_opens_its_first_event(page: Page, canon: Canon) -> None:
    page.goto(f"{canon.base}/w/{GRACE}?at=0001-01-01T00:00:00Z")
    expect(page.locator("#error")).to_contain_text("began at 2019-05-17T16:00:00Z")
    expect(page.locator("#caption .said")).to_contain_text("The world began")
    expect(page.locator("#instant")).to_have_text("2019-05-17T16:00:00Z")
    expect(page.locator("#members")).to_contain_text("none")


def test_an_event_of_another_instant_gives_way_to_the_addresss_instant(
    page: Page, canon: Canon
) -> None:
    # seq 21 is the last event (18:00); the address's instant is 17:30, in John's grace.
    page.goto(f"{canon.base}/w/{GRACE}?at=2019-05-17T17:30:00Z&seq=21")
    expect(johns_status(page)).to_have_text("excommunicado in 30m")
    expect(page.locator("#caption .said")).to_contain_text("John Wick killed Ernest")  # 17:20
    expect(page.locator("#live")).not_to_have_class(re.compile(r"\bon\b"))
    assert "18" == page.eval_on_selector("#slider", "s => s.value")


def test_keys_with_a_modifier_are_left_to_the_browser(page: Page, canon: Canon) -> None:
    page.goto(f"{canon.base}/w/{GRACE}?at=2019-05-17T17:30:00Z")
    expect(johns_status(page)).to_have_text("excommunicado in 30m")
    for key in ("Alt+ArrowLeft", "Alt+ArrowRight", "Control+Home", "Meta+BracketLeft"):
        page.locator("body").press(key)
    page.fill("#member-q", "jo")
    page.locator("#member-q").press("End")  # typing in the search box moves no slider
    page.locator("#member-q").press("ArrowLeft")
    page.wait_for_timeout(300)  # an unwanted step would be under way by now
    assert "18" == page.eval_on_selector("#slider", "s => s.value")
    page.locator("#member-q").blur()
    page.locator("body").press("ArrowRight")  # while a bare arrow still steps
    expect(page.locator("#slider")).to_have_value("19")


def test_a_names_long_word_and_the_dossiers_tables_fit_a_phone(
    browser: Browser, canon: Canon, client: httpx.Client
) -> None:
    world = World(client, public=True)
    sent(world, by="table", do="register", member="long", name=LONG_WORD)
    sent(world, by="table", do="mint", to="long", amount=9, note=LONG_WORD)
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        for path in (f"/w/{world.id}", f"/w/{world.id}/members/long", "/w/john-wick/members/john"):
            phone.goto(canon.base + path)
            expect(phone.locator("#timeline li").first).to_be_visible()
            expect(phone.locator("main table tr td").first).to_be_visible()
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
        # Nor does a table of the canon scroll sideways in its own box: a phone keeps the key
        # columns (a word of 240 letters may still push its own table, never the page).
        for path in ("/w/john-wick/members/john", "/w/john-wick?at=2019-05-17T18:10:00Z", "/"):
            phone.goto(canon.base + path)
            expect(phone.locator("main table tr td").first).to_be_visible()
            wide = phone.evaluate(
                "[...document.querySelectorAll('section')]"
                ".filter((s) => s.scrollWidth > s.clientWidth + 1).map((s) => s.id)"
            )
            assert [] == wide, path
    finally:
        phone.close()


def test_a_chart_of_nothing_says_at_most_zero(
    page: Page, canon: Canon, client: httpx.Client
) -> None:
    world = World(client, public=True)
    sent(world, by="table", do="register", member="solo", name="Solo")
    page.goto(f"{canon.base}/w/{world.id}/members/solo")
    expect(page.locator("#chart svg.bounty")).to_contain_text("bounty: 0 now, at most 0")


def test_names_and_scenes_are_text_never_html(
    page: Page, canon: Canon, client: httpx.Client
) -> None:
    world = World(client, public=True)
    sent(world, by="table", do="register", member="john", name=SCRIPTED, note=f"# {SCRIPTED}")
    sent(world, by="table", do="mint", to="john", amount=5, note=SCRIPTED)
    for path in (f"/w/{world.id}", f"/w/{world.id}/members/john"):
        page.goto(canon.base + path)
        expect(page.locator("#timeline li").first).to_contain_text(SCRIPTED)
        expect(page.locator("img")).to_have_count(0)
        assert page.evaluate("window.scripted") is None
    page.goto(f"{canon.base}/w/{world.id}")
    expect(page.locator("#ticks .chapter")).to_have_text([SCRIPTED])


@pytest.mark.parametrize("width", [1000, 1400])
def test_no_chapter_label_hides_another(browser: Browser, canon: Canon, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{canon.base}/w/john-wick?at=2019-05-17T18:10:00Z")
        expect(page.locator("#ticks .chapter")).to_have_count(4)
        boxes = [label.bounding_box() for label in page.locator("#ticks .chapter").all()]
        for i, one in enumerate(boxes):
            for other in boxes[i + 1 :]:
                assert one and other
                apart = (
                    one["x"] + one["width"] <= other["x"]
                    or other["x"] + other["width"] <= one["x"]
                    or one["y"] + one["height"] <= other["y"]
                    or other["y"] + other["height"] <= one["y"]
                )
                assert apart, (one, other)
        # The caption below the track is not covered by the lowest label.
        caption = page.locator("#caption").bounding_box()
        lowest = max(box["y"] + box["height"] for box in boxes if box)
        assert caption and lowest <= caption["y"]
    finally:
        page.close()


@pytest.mark.parametrize("width", [640, 1000])  # a small tablet, a narrow window
def test_the_member_list_fits_between_phone_and_desktop(
    browser: Browser, canon: Canon, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{canon.base}/w/john-wick?at=2019-05-17T18:10:00Z")
        expect(page.locator('#members tr[data-member="john"]')).to_be_visible()
        members = page.locator("#members")
        assert members.evaluate("(s) => s.scrollWidth <= s.clientWidth + 1"), width
    finally:
        page.close()


def test_a_private_worlds_token_stays_with_its_world(
    page: Page, canon: Canon, client: httpx.Client
) -> None:
    private = World(client)
    sent(private, by="table", do="register", member="solo", name="Solo")
    page.goto(f"{canon.base}/w/{private.id}?token={private.table}")
    expect(page.locator('#members tr[data-member="solo"]')).to_be_visible()
    # Another world, public, in the same tab: read without the private world's token.
    page.goto(f"{canon.base}/w/{GRACE}")
    expect(johns_status(page)).to_have_text("excommunicado")
    expect(page.locator("#error")).to_have_text("")
    page.goto(f"{canon.base}/w/{GRACE}/members/john")
    expect(page.locator("#facts td.status")).to_have_text("excommunicado")
    # Back to the private world: the session still holds its token for it.
    page.goto(f"{canon.base}/w/{private.id}/members/solo")
    expect(page.locator("#member-name")).to_have_text("Solo (solo)")


def test_days_are_jumped_at_the_first_and_the_last_days_an_instant_can_be(
    page: Page, canon: Canon, client: httpx.Client
) -> None:
    for start, later in (
        ("0001-01-01T00:00:00Z", "0001-01-02T05:00:00Z"),
        ("9999-12-30T23:00:00Z", "9999-12-31T23:59:59Z"),
    ):
        world = f"w-{start[:4]}-{uuid.uuid4().hex[:6]}"
        body = {"world": world, "start": start, "public": True}
        created = client.post("/worlds", json=body, headers=OPERATOR_HEADERS)
        assert 201 == created.status_code, created.text
        table = {"Authorization": f"Bearer {created.json()['table_token']}"}
        register = {"by": "table", "do": "register", "member": "m", "name": "M", "at": later}
        assert (
            200
            == client.post(f"/worlds/{world}/commands", json=register, headers=table).status_code
        )
        page.goto(f"{canon.base}/w/{world}")
        expect(page.locator("#instant")).to_have_text(later)
        page.locator("body").press("PageUp")  # to the day before: the world's first
        expect(page.locator("#instant")).to_have_text(start)
        page.locator("body").press("PageDown")
        expect(page.locator("#instant")).to_have_text(later)
        page.locator("body").press("PageDown")  # there is no day after: it stays
        expect(page.locator("#error")).to_have_text("")
        expect(page.locator("#instant")).to_have_text(later)


def test_a_deadline_falling_at_a_commands_instant_reads_with_that_commands_scene(
    page: Page, canon: Canon
) -> None:
    # Six o'clock: the Table's tick carries the scene; John's grace runs out just before its own
    # event, at the same instant.
    page.goto(f"{canon.base}/w/{GRACE}?at=2019-05-17T18:00:00Z&seq=20")
    expect(page.locator("#caption .said")).to_contain_text("John Wick's grace ran out")
    expect(page.locator("#caption .scene")).to_contain_text("Six o'clock")
    page.locator("body").press("ArrowLeft")  # 17:40, still served within the grace
    expect(page.locator("#caption .scene")).to_contain_text("The last room he can buy")
