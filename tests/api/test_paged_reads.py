"""The view over HTTP: a path reads what it reaches, the whole view and a section in pages, and a
dossier through the index of mentions is the one the whole log gives."""

from __future__ import annotations

from typing import Any

from servers import World


def get(world: World, route: str = "/view", **params: Any) -> Any:
    response = world.client.get(
        f"/worlds/{world.id}{route}", params=params, headers=world.headers()
    )
    assert 200 == response.status_code, response.text
    return response.json()


def test_pages_of_the_view_and_of_its_members_hold_every_entry_once(world: World) -> None:
    for number in range(7):
        world.send(by="table", do="register", member=f"m{number}", name=f"M{number}")
    whole = get(world)
    members: dict[str, Any] = {}
    offset: int | None = 0
    while offset is not None:
        page = get(world, offset=offset, limit=3)
        assert whole["clock"] == page["clock"] and whole["supply"] == page["supply"]
        assert not set(members) & set(page["members"])
        members |= page["members"]
        offset = page["next_offset"]
    assert list(whole["members"]) == list(members) and whole["members"] == members
    section = get(world, path="members", offset=6, limit=4)
    assert {"members", "next_offset"} == set(section) and section["next_offset"] is None
    assert list(whole["members"])[6:] == list(section["members"])
    assert whole["members"]["m3"] == get(world, path="members.m3")


def test_a_page_of_a_deeper_path_or_of_no_entry_is_refused(world: World) -> None:
    url = f"/worlds/{world.id}/view"
    refused = world.client.get(
        url, params={"path": "members.john", "limit": 2}, headers=world.headers()
    )
    assert 422 == refused.status_code and "limit" in refused.json()["message"]
    for limit in (0, 1_001, "x"):
        response = world.client.get(url, params={"limit": limit}, headers=world.headers())
        assert 422 == response.status_code and "limit" in response.text


def test_a_dossier_now_and_at_an_instant_over_http(world: World) -> None:
    world.send(by="table", do="mint", to="winston", amount=50)
    world.send(by="winston", do="post_contract", contract="c1", target="john", bounty=5)
    before = world.at()
    world.send(by="winston", do="raise_bounty", contract="c1", amount=2, at=world.at())
    now = get(world, "/members/john/dossier")
    assert 7 == now["contracts_on"][0]["bounty"]
    assert now["contracts_on"][0]["changed"] > now["contracts_on"][0]["since"]
    then = get(world, "/members/john/dossier", at=before)
    assert 5 == then["contracts_on"][0]["bounty"]
    assert then["contracts_on"][0]["changed"] == then["contracts_on"][0]["since"]
    assert ["member_registered", "coins_minted"] == [e["event"] for e in then["timeline"][:2]]
