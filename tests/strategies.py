"""Strategies for commands of every kind, by every kind of actor: the property tests' and the
stateful reliability test's."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

MEMBERS = ["john", "winston", "sofia", "zero", "elder"]
ACTORS = [*MEMBERS, "table"]
HOTELS = ["continental-ny", "continental-casablanca"]
ACCOUNTS = [*MEMBERS, *HOTELS, "table"]
CONTRACTS = ["c1", "c2", "c3"]
MARKERS = ["m1", "m2"]
FAMILIES = ["ruska-roma", "harkan"]
TERMS = ["t1", "t2"]
DUELS = ["d1"]
PARLAYS = ["p1"]
ALLIANCES = ["a1"]

member = st.sampled_from(MEMBERS)
GRANT = st.one_of(
    st.just("lift_excommunicado"),
    st.builds(lambda f: {"admit": f}, st.sampled_from(["ruska-roma", "harkan"])),
    st.builds(lambda m: {"cancel_contracts_on": m}, member),
    # Keys in an unsorted order: a replay from canonical JSON must rebuild the same state.
    st.builds(lambda m: {"restore_manager": {"member": m, "hotel": "continental-ny"}}, member),
    st.just({"consecrate": "continental-ny"}),
)
REQUIREMENT = st.one_of(
    st.builds(lambda m: {"eliminate": m}, member), st.just("swear_fealty"), st.just({"pay": 3})
)
lawful_amount = st.integers(min_value=1, max_value=20)
amount = st.one_of(lawful_amount, lawful_amount, lawful_amount, st.integers(-2, 0), st.just("5"))


def shape(do: str, **fields: Any) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"do": st.just(do), **fields})


CORE_COMMANDS = st.one_of(
    shape("register", member=member, name=st.just("A Name")),
    shape("appoint", member=member, office=st.sampled_from(["seat", "elder", "adjudicator"])),
    shape("mint", to=st.sampled_from(ACCOUNTS), amount=amount),
    shape("transfer", to=st.sampled_from(ACCOUNTS), amount=amount),
    shape("open_hotel", hotel=st.sampled_from(HOTELS), name=st.just("A Hotel")),
    shape("appoint_manager", hotel=st.sampled_from(HOTELS), member=member),
    shape("use_service", hotel=st.sampled_from(HOTELS), service=st.just("doctor"), price=amount),
    shape("close_hotel", hotel=st.sampled_from(HOTELS)),
    shape("deconsecrate", hotel=st.sampled_from(HOTELS)),
    shape("consecrate", hotel=st.sampled_from(HOTELS)),
    shape("post_contract", contract=st.sampled_from(CONTRACTS), target=member, bounty=amount),
    shape("raise_bounty", contract=st.sampled_from(CONTRACTS), amount=amount),
    shape("claim_contract", contract=st.sampled_from(CONTRACTS)),
    shape("cancel_contract", contract=st.sampled_from(CONTRACTS)),
    shape("eliminate", target=member, confirmed=st.booleans(), hotel=st.sampled_from(HOTELS)),
    shape("excommunicate", member=member, grace=st.integers(0, 90), reason=st.just("r")),
    shape("aid", member=member, help=st.just("h")),
    shape("fine", member=member, amount=amount, reason=st.just("r")),
    shape("swear_marker", marker=st.sampled_from(MARKERS), holder=member),
    shape("invoke_marker", marker=st.sampled_from(MARKERS), favor=st.just("f")),
    shape("honor_marker", marker=st.sampled_from(MARKERS)),
    shape("refuse_marker", marker=st.sampled_from(MARKERS)),
    shape("tick"),
)
LATER_COMMANDS = st.one_of(
    shape(
        "found_family",
        family=st.sampled_from(FAMILIES),
        name=st.just("F"),
        head=member,
        high_table=st.booleans(),
    ),
    shape("name_head", family=st.sampled_from(FAMILIES), head=member),
    shape("admit", family=st.sampled_from(FAMILIES), member=member),
    shape("exile", family=st.sampled_from(FAMILIES), member=member),
    shape("enroll", family=st.sampled_from(FAMILIES), member=member),
    shape("graduate", family=st.sampled_from(FAMILIES), member=member),
    shape(
        "offer_terms",
        terms=st.sampled_from(TERMS),
        to=member,
        grants=st.lists(GRANT, max_size=3),
        requires=st.lists(REQUIREMENT, max_size=2),
        grant_on=st.sampled_from(["accept", "fulfil"]),
        deadline=st.sampled_from(["2019-05-17T19:00:00Z", "2019-05-18T17:00:00Z", None]),
    ),
    shape("accept_terms", terms=st.sampled_from(TERMS)),
    shape("renounce_terms", terms=st.sampled_from(TERMS)),
    shape("swear_fealty"),
    shape("challenge", duel=st.sampled_from(DUELS), challenged=member),
    shape(
        "sanction_duel",
        duel=st.sampled_from(DUELS),
        place=st.just("Sacré-Cœur"),
        hour=st.sampled_from(["2019-05-17T18:30:00Z", "2019-05-18T06:00:00Z"]),
        terms=st.fixed_dictionaries(
            {
                "challenger_wins": st.lists(GRANT, max_size=2),
                "challenged_wins": st.lists(GRANT, max_size=2),
            }
        ),
    ),
    shape("name_second", duel=st.sampled_from(DUELS), member=member),
    shape("name_stand_in", duel=st.sampled_from(DUELS), member=member),
    shape("arrive", duel=st.sampled_from(DUELS)),
    shape(
        "resolve_duel",
        duel=st.sampled_from(DUELS),
        winner=st.sampled_from(["challenger", "challenged"]),
        fallen=st.lists(member, max_size=2),
    ),
    shape("request_parlay", parlay=st.sampled_from(PARLAYS), **{"with": member}),
    shape("grant_parlay", parlay=st.sampled_from(PARLAYS)),
    shape("deny_parlay", parlay=st.sampled_from(PARLAYS)),
    shape("conclude_parlay", parlay=st.sampled_from(PARLAYS)),
    shape(
        "propose_alliance",
        alliance=st.sampled_from(ALLIANCES),
        purpose=st.just("p"),
        **{"with": member},
    ),
    shape("accept_alliance", alliance=st.sampled_from(ALLIANCES)),
    shape("dissolve_alliance", alliance=st.sampled_from(ALLIANCES)),
    # What meets requirements and decides duels, among the later chapters' commands.
    shape("eliminate", target=member, confirmed=st.booleans()),
    shape("transfer", to=member, amount=st.just(3)),
    shape("excommunicate", member=member, grace=st.integers(0, 30), reason=st.just("r")),
)
COMMANDS = st.one_of(CORE_COMMANDS, LATER_COMMANDS)

STEP = st.tuples(
    st.sampled_from(ACTORS), COMMANDS, st.integers(-5, 45), st.sampled_from([None, "a", "b"])
)
# Founded families and members acting among themselves reach deep into terms and duels.
LATER_STEP = st.tuples(st.sampled_from(MEMBERS), LATER_COMMANDS, st.integers(0, 40), st.none())
SETUP = (
    [("table", {"do": "register", "member": name, "name": name}) for name in MEMBERS]
    + [
        ("table", {"do": "appoint", "member": "elder", "office": "elder"}),
        ("table", {"do": "appoint", "member": "zero", "office": "adjudicator"}),
        ("table", {"do": "appoint", "member": "winston", "office": "seat"}),
        (
            "table",
            {"do": "open_hotel", "hotel": "continental-ny", "name": "NY", "manager": "winston"},
        ),
    ]
    + [("table", {"do": "mint", "to": name, "amount": 50}) for name in MEMBERS]
)


FAMILY_SETUP: list[tuple[str, dict[str, Any], int, str | None]] = [
    (
        "table",
        {
            "do": "found_family",
            "family": "ruska-roma",
            "name": "RR",
            "head": "sofia",
            "high_table": True,
        },
        0,
        None,
    ),
    ("sofia", {"do": "admit", "family": "ruska-roma", "member": "john"}, 0, None),
]
