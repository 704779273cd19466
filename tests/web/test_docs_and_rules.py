"""The API's reference and the rules, read in a browser that reaches nothing but the server."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from hightable.core import RULES
from servers import Canon


def offline(page: Page, canon: Canon) -> list[str]:
    """Every request to another host is refused (and noted), as on a machine with no network."""
    elsewhere: list[str] = []

    def only_the_server(route: Route) -> None:
        if route.request.url.startswith(canon.base):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    return elsewhere


def test_the_api_reference_shows_offline(page: Page, canon: Canon) -> None:
    elsewhere = offline(page, canon)
    page.goto(f"{canon.base}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("hightable")
    members = page.locator('.opblock-summary-path[data-path="/worlds/{world}/members"]')
    expect(members).to_have_count(1)
    assert elsewhere == []


def test_the_rules_page_gives_each_rules_whole_text(page: Page, canon: Canon) -> None:
    page.goto(f"{canon.base}/rules")
    expect(page.locator("tr#TIME-3")).to_contain_text("Why: the ledger keeps what happened")
    expect(page.locator("tr#CMD-1 code").first).to_have_text("do")
    expect(page.locator("tr.chapter").first).to_have_text("1. The world and its clock")
    expect(page.locator("tr[id]")).to_have_count(len(RULES))
