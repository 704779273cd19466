"""The world page, its slider, its live board, its timeline and the dossier, in Chromium."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from servers import OPERATOR_HEADERS, SCREENSHOTS, Canon, hightable

WORLD = "john-wick"


def open_world(page: Page, canon: Canon, world: str = WORLD, token: str = "") -> None:
    page.goto(f"{canon.base}/w/{world}" + (f"?token={token}" if token else ""))
    expect(page.locator("#live")).to_have_class(re.compile(r"\bon\b"))


def member_row(page: Page, member: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#members tr[data-member="{member}"]')


def open_at(page: Page, canon: Canon, instant: str, world: str = WORLD) -> None:
    """Open a shared address: the world as of an instant."""
    page.goto(f"{canon.base}/w/{world}?at={instant}")
    expect(page.locator("#instant")).to_have_text(instant)


def test_demo_prints_the_address_of_the_canon_world(canon: Canon) -> None:
    assert f"/w/{WORLD}" in canon.printed
    assert "parabellum-the-hour-of-grace" in canon.printed


def test_the_canon_world_page_shows_members_board_families_hotels_and_graph(
    page: Page, canon: Canon
) -> None:
    open_world(page, canon)
    expect(member_row(page, "john").locator(".status")).to_have_text("active")
    expect(member_row(page, "santino").locator(".status")).to_have_text("deceased")
    expect(member_row(page, "john")).to_contain_text("ruska-roma")
    expect(page.locator('#contracts tr[data-contract="table-on-john"]')).to_contain_text(
        "cancelled"
    )
    expect(page.locator("#families")).to_contain_text("Ruska Roma")
    expect(page.locator("#hotels")).to_contain_text("consecrated")
    expect(page.locator("#duels")).to_contain_text("2023-03-25T06:00:00Z")
    graph = page.locator("#graph svg")
    for hub in ("The High Table", "Ruska Roma", "The Continental New Y"):
        expect(graph.locator("text", has_text=hub)).to_have_count(1)
    expect(graph.locator("line.alliance")).to_have_count(1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "world-page.png", full_page=True)
    assert (SCREENSHOTS / "world-page.png").stat().st_size > 10_000


def test_the_slider_shows_johns_badge_before_and_after_his_excommunicado_takes_effect(
    page: Page, canon: Canon
) -> None:
    open_at(page, canon, "2019-05-17T17:30:00Z")  # cast out at 17:00, with an hour of grace
    john = member_row(page, "john").locator(".status")
    expect(john).to_have_text("excommunicado in 30m")
    expect(page.locator("#live")).not_to_have_class(re.compile(r"\bon\b"))
    open_at(page, canon, "2019-05-17T18:00:00Z")
    expect(john.locator(".badge")).to_have_class(re.compile(r"\bexcommunicado\b"))
    expect(john).to_have_text("excommunicado")
    # Santino is dead by then, and the Table's contract is on the board.
    expect(member_row(page, "santino").locator(".status")).to_have_text("deceased")
    expect(page.locator('#contracts tr[data-contract="table-on-john"]')).to_contain_text("open")
    # Events after the instant are shown as the future.
    expect(page.locator("#timeline li.future").first).to_be_visible()
    open_at(page, canon, "2019-05-20T11:00:00Z")  # after Winston's shots from the roof
    expect(john).to_have_text("presumed dead")


def test_a_contract_posted_by_another_client_appears_on_the_board_live(
    page: Page, canon: Canon
) -> None:
    token = hightable("world", "token", WORLD, "--store", canon.store).strip()
    open_world(page, canon)
    contract = f"on-caine-{uuid.uuid4().hex[:6]}"
    expect(page.locator(f'#contracts tr[data-contract="{contract}"]')).to_have_count(0)
    posted = httpx.post(
        f"{canon.base}/worlds/{WORLD}/commands",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "at": "2023-03-26T12:00:00Z",
            "by": "seat-holder",
            "do": "post_contract",
            "contract": contract,
            "target": "caine",
            "bounty": 5_000_000,
            "funded_by": "table",
        },
        timeout=30,
    )
    assert 200 == posted.status_code, posted.text
    row = page.locator(f'#contracts tr[data-contract="{contract}"]')
    expect(row).to_contain_text("5000000", timeout=15_000)
    expect(row).to_contain_text("open")
    expect(member_row(page, "caine")).to_contain_text("5000000")
    expect(page.locator("#timeline li").first).to_contain_text("a contract on Caine")


def test_the_timeline_filters_by_member_and_links_breaches_to_their_rule(
    page: Page, canon: Canon
) -> None:
    open_world(page, canon)
    page.select_option("#filter", "sofia")
    items = page.locator("#timeline li")
    expect(items.first).to_be_visible()
    for text in items.all_inner_texts():
        assert "Sofia" in text or text == "earlier events"
    page.select_option("#filter", "bowery-king")
    breach = page.locator("#timeline li.breach").first
    expect(breach).to_contain_text("EXCOM-3")
    breach.locator("a.rule").click()
    expect(page).to_have_url(re.compile(r"/rules#EXCOM-3$"))
    expect(page.locator("tr#EXCOM-3")).to_contain_text("excommunicado")


def test_a_dossier_opens_from_the_member_list(page: Page, canon: Canon) -> None:
    open_world(page, canon)
    member_row(page, "john").locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/w/{WORLD}/members/john$"))
    expect(page.locator("#member-name")).to_have_text("John Wick (john)")
    expect(page.locator("#facts .family")).to_have_text("ruska-roma")
    expect(page.locator("#breaches")).to_contain_text("HOTEL-2")
    expect(page.locator("#markers")).to_contain_text("sofia-owes-john")
    expect(page.locator("#duels")).to_contain_text("sacre-coeur")
    expect(page.locator("#timeline li.breach a.rule", has_text="TERMS-3")).to_have_count(1)


def test_a_dossier_opened_from_the_past_is_of_that_instant(page: Page, canon: Canon) -> None:
    open_at(page, canon, "2019-05-17T18:00:00Z")
    expect(member_row(page, "john").locator(".status")).to_have_text("excommunicado")
    member_row(page, "john").locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/members/john\?at=2019-05-17T18%3A00%3A00Z$"))
    expect(page.locator("#facts .status")).to_have_text("excommunicado")
    expect(page.locator("#facts .family")).to_have_text("")


def test_a_private_world_needs_its_token_and_shows_with_it(page: Page, canon: Canon) -> None:
    world = f"w-{uuid.uuid4().hex[:8]}"
    created = httpx.post(
        f"{canon.base}/worlds",
        json={"world": world, "start": "2019-05-17T17:00:00Z"},
        headers=OPERATOR_HEADERS,
        timeout=30,
    )
    token = created.json()["table_token"]
    page.goto(f"{canon.base}/w/{world}")
    expect(page.locator("#error")).to_contain_text("ACCESS-1")
    open_world(page, canon, world, token)
    expect(page.locator("#members")).to_contain_text("none")
    expect(page.locator("#error")).to_have_text("")


def test_the_index_lists_public_worlds_only(page: Page, canon: Canon) -> None:
    page.goto(canon.base)
    expect(page.locator("#worlds")).to_contain_text(WORLD)
    expect(page.locator("#worlds a")).to_have_count(10)


def test_a_what_if_storm_runs_on_a_fork_and_shows_its_counts(page: Page, canon: Canon) -> None:
    """The page runs a storm on a fork of the canon world: its counts by rule appear beside the
    world, every promise held, and the world itself gained no event."""
    before = httpx.get(f"{canon.base}/worlds/{WORLD}/events?limit=1000").json()["events"]
    open_world(page, canon)
    page.fill("#storm-steps", "300")
    page.click("#storm-form button")
    expect(page.locator("#storm-verdict")).to_have_text("every promise held", timeout=60_000)
    expect(page.locator("#storm-counts")).to_contain_text("300 steps")
    expect(page.locator("#storm-report table.storm-rules tr")).not_to_have_count(1)
    after = httpx.get(f"{canon.base}/worlds/{WORLD}/events?limit=1000").json()["events"]
    assert before == after
