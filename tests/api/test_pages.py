"""Reading a world of any size a page at a time: events with their sentences and notes, the page
around an instant, each section of the view cut, a section searched and paged, a neighbourhood."""

from __future__ import annotations

import httpx

from servers import World


def get(world: World, path: str) -> httpx.Response:
    return world.client.get(f"/worlds/{world.id}/{path}", headers=world.headers())


def test_events_carry_their_sentence_and_note(world: World) -> None:
    sent = world.send(by="table", do="mint", to="winston", amount=5, note="A coin for the road.")
    assert 200 == sent.status_code, sent.text
    page = get(world, "events?after=0&limit=100").json()
    last = page["events"][-1]
    assert last["sentence"] == "The High Table minted 5 coins for Winston."
    assert last["note"] == "A coin for the road."
    assert page["head"] == last["seq"] and page["seq_at"] is None


def test_a_long_note_is_refused_naming_the_field(world: World) -> None:
    refused = world.send(by="table", do="mint", to="winston", amount=5, note="x" * 501)
    assert 422 == refused.status_code
    assert refused.json()["rule"] == "CMD-1" and "note" in refused.json()["message"]


def test_the_page_around_an_instant(world: World) -> None:
    for minute in range(30):
        world.send(by="table", do="mint", to="john", amount=1 + minute)
    everything = get(world, "events?limit=1000").json()["events"]
    middle = everything[20]
    page = get(world, f"events?at={middle['at']}&limit=10").json()
    assert page["seq_at"] == middle["seq"]
    seqs = [e["seq"] for e in page["events"]]
    assert seqs == list(range(middle["seq"] - 4, middle["seq"] + 6))
    before = get(world, "events?at=2000-01-01T00:00:00Z&limit=10").json()
    assert before["seq_at"] == 0 and before["events"][0]["seq"] == 1
    assert 422 == get(world, "events?at=yesterday").status_code


def test_members_are_searched_and_paged(world: World) -> None:
    for n in range(12):
        world.send(by="table", do="register", member=f"ruska-{n:02d}", name=f"Roma {n}")
    page = get(world, "members?q=ruska&limit=5&offset=5").json()
    assert page["total"] == 12 and page["offset"] == 5
    assert list(page["members"]) == [f"ruska-{n:02d}" for n in range(5, 10)]
    by_name = get(world, "members?q=ROMA 11").json()
    assert list(by_name["members"]) == ["ruska-11"]
    assert get(world, "members?q=nobody").json()["total"] == 0
    assert 422 == get(world, "members?limit=0").status_code


def test_the_view_cut_to_a_page_counts_what_it_leaves_out(world: World) -> None:
    for n in range(5):
        world.send(by="table", do="register", member=f"m-{n}", name=f"M {n}")
    cut = get(world, "view?limit=3").json()
    assert len(cut["members"]) == 3 and cut["totals"]["members"] == 7
    assert set(cut) >= {"supply", "treasury", "escrow", "clock", "contracts"}


def test_the_view_around_a_member_holds_their_neighbours_only(world: World) -> None:
    world.send(by="table", do="register", member="sofia", name="Sofia")
    world.send(by="sofia", do="swear_marker", marker="sofia-owes-john", holder="john")
    around = get(world, "view?around=sofia").json()
    assert list(around["markers"]) == ["sofia-owes-john"]
    assert set(around["members"]) == {"sofia", "john"}
    missing = get(world, "view?around=nobody")
    assert 404 == missing.status_code and missing.json()["rule"] == "ID-3"


def test_a_dossier_says_its_events_and_charts_balance_and_bounty(world: World) -> None:
    world.send(by="table", do="mint", to="winston", amount=100)
    world.send(by="winston", do="post_contract", contract="on-john", target="john", bounty=40)
    dossier = get(world, "members/john/dossier").json()
    said = [entry["sentence"] for entry in dossier["timeline"]]
    assert "Winston posted a contract on John for 40 coins." in said
    series = get(world, "members/john/series").json()
    assert [(p["balance"], p["bounty"]) for p in series][-2:] == [(10, 0), (10, 40)]
    assert 404 == get(world, "members/nobody/series").status_code
