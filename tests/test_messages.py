"""Refusals that name the real fault and its facts, at every door: the core, a story, the
command line and HTTP (tests/api/test_commands_api.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import run
from helpers import START, Play
from hightable.core import COMMANDS, Refusal
from hightable.core.commands import parse_command
from hightable.core.instants import add_minutes
from hightable.core.suggest import did_you_mean
from hightable.stories import play_path


def managers() -> Play:
    """charon manages osaka, winston manages ny; perkins did business on ny's ground."""
    play = Play().register("charon", "winston", "perkins", "john")
    play.ok("table", "open_hotel", hotel="ny", name="NY", manager="winston")
    play.ok("table", "open_hotel", hotel="osaka", name="Osaka", manager="charon")
    return play


def test_hotel_3_tells_a_manager_of_another_hotel_that_he_does_not_manage_it() -> None:
    refusal = managers().refused(
        "charon", "excommunicate", member="perkins", grace=0, reason="r", hotel="ny"
    )
    assert "HOTEL-3" == refusal.rule
    assert refusal.message.startswith("charon does not manage ny (charon manages osaka)")


def test_hotel_3_on_his_own_grounds_names_the_missing_breach() -> None:
    refusal = managers().refused(
        "winston", "excommunicate", member="perkins", grace=0, reason="r", hotel="ny"
    )
    assert "perkins committed no breach on the grounds of ny" == refusal.message


def terms_play() -> Play:
    play = Play().register("winston", "john")
    play.ok("table", "appoint", member="winston", office="elder")
    return play


def test_terms_1_says_expired_terms_expired_and_when() -> None:
    play = terms_play()
    deadline = add_minutes(START, 5)
    play.ok("winston", "offer_terms", terms="t3", to="john", grants=[], requires=["swear_fealty"],
            grant_on="accept", deadline=deadline)  # fmt: skip
    refusal = play.do("john", "accept_terms", minute=10, terms="t3")
    assert "TERMS-1" == refusal.rule
    assert refusal.message.startswith(f"t3 expired at {deadline}: terms past their deadline")
    assert "accepted once" not in refusal.message


def test_terms_1_says_accepted_terms_were_accepted_already() -> None:
    play = terms_play()
    play.ok("winston", "offer_terms", terms="t3", to="john", grants=[], requires=["swear_fealty"],
            grant_on="accept")  # fmt: skip
    play.ok("john", "accept_terms", terms="t3")
    refusal = play.refused("john", "accept_terms", terms="t3")
    assert "t3 were accepted already (accepted): terms are accepted once" == refusal.message


def test_idem_1_names_the_field_that_differs_from_the_first_command() -> None:
    play = Play().register("john", "winston")
    play.ok("table", "mint", to="john", amount=10)
    first = play.ok("john", "transfer", to="winston", amount=5, cid="pay-1").events[0]
    refusal = play.do("john", "transfer", minute=play.minute, to="winston", amount=6, cid="pay-1")
    assert "IDEM-1" == refusal.rule
    assert "amount is 6, not 5 as first sent" in refusal.message
    late = play.refused("john", "transfer", to="winston", amount=5, cid="pay-1")
    assert f"at is '{play.at(play.minute)}', not '{first.at}' as first sent" in late.message


def test_idem_1_in_a_story_says_a_retry_step_without_at_is_dated_a_minute_later(
    tmp_path: Path,
) -> None:
    story = tmp_path / "retry.yaml"
    story.write_text(
        "story: a retry\nstart: 2019-05-17T17:00:00Z\nsteps:\n"
        "  - {by: table, do: register, member: john, name: John}\n"
        "  - {by: table, do: mint, to: john, amount: 5, cid: m1}\n"
        "  - {by: table, do: mint, to: john, amount: 5, cid: m1}\n"
    )
    result = play_path(story)
    assert result.failure is not None
    assert "IDEM-1" in result.failure.seen
    assert "at is '2019-05-17T17:03:00Z', not '2019-05-17T17:02:00Z'" in result.failure.seen
    assert "this step has no at, so it is dated a minute after the step before" in (
        result.failure.seen
    )


def test_cmd_1_for_an_enum_lists_the_allowed_values() -> None:
    refusal = managers().refused("john", "use_service", hotel="ny", service="massage", price=1)
    assert "CMD-1" == refusal.rule
    assert refusal.message.startswith("service: invalid enum value 'massage' (one of armory, ")
    assert "room" in refusal.message


def test_a_yaml_colon_in_a_title_is_named_as_the_usual_cause(tmp_path: Path) -> None:
    story = tmp_path / "colon.yaml"
    story.write_text(
        "story: ok\nstart: 2019-05-17T17:00:00Z\nsteps:\n  - check:\n      clock: 2019\n"
        "  - {by: table, do: register, member: j, name: J: W}\n"
    )
    result = play_path(story)
    assert result.failure is not None and 6 == result.failure.line
    assert "unquoted colon inside a value, as in a title or text" in result.failure.seen


# -- did you mean: the core parses every door's commands, so each door says it ----------------

MISTYPED = [
    ({"do": "mnit", "to": "john", "amount": 5}, "do: unknown command 'mnit'; did you mean mint?"),
    (
        {"do": "mint", "to": "john", "amont": 5},
        "amont: unknown field for mint; did you mean amount?",
    ),
]


@pytest.mark.parametrize(("fields", "told"), MISTYPED)
def test_did_you_mean_in_a_story(tmp_path: Path, fields: dict[str, object], told: str) -> None:
    story = tmp_path / "typo.yaml"
    written = ", ".join(f"{key}: {value}" for key, value in fields.items())
    story.write_text(
        "story: a typo\nstart: 2019-05-17T17:00:00Z\nsteps:\n"
        "  - {by: table, do: register, member: john, name: John}\n"
        f"  - {{by: table, {written}}}\n"
    )
    result = play_path(story)
    assert result.failure is not None and told in result.failure.seen


@pytest.mark.parametrize(("fields", "told"), MISTYPED)
def test_did_you_mean_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fields: dict[str, object], told: str
) -> None:
    monkeypatch.setenv("HIGHTABLE_STORE", f"sqlite:///{tmp_path / 'books.db'}")
    assert 0 == run("world", "new", "w", "--start", START)[0]
    assert 0 == run("do", "w", "--by", "table", "register", "member=john", "name=John")[0]
    rest = [f"{key}={value}" for key, value in fields.items() if key != "do"]
    code, output = run("do", "w", "--by", "table", str(fields["do"]), *rest)
    assert (1, True) == (code, told in output), output


MINT = {"do": "mint", "by": "table", "at": START, "to": "john", "amount": 5}


@pytest.mark.parametrize(
    ("name", "told"),
    [
        ("", "'': unknown field for mint"),
        ("amo\nunt", "'amo\\nunt': unknown field for mint; did you mean amount?"),
        ("a` - at `$.to", "'a` - at `$.to': unknown field for mint"),
        ("amont", "amont: unknown field for mint; did you mean amount?"),
    ],
)
def test_an_unknown_field_of_any_name_is_named_in_one_line(name: str, told: str) -> None:
    """Empty, multi-line or backquoted names are quoted, never taken for a path or a break."""
    refusal = parse_command({**MINT, name: 1})
    assert isinstance(refusal, Refusal)
    assert ("CMD-1", told) == (refusal.rule, refusal.message)


def test_a_name_far_longer_than_any_is_not_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    """difflib's time grows with the word: a megabyte `do` is told unknown, not matched."""

    def compared(*_: object, **__: object) -> list[str]:
        raise AssertionError("compared")

    monkeypatch.setattr("hightable.core.suggest.difflib.get_close_matches", compared)
    assert "" == did_you_mean("mint" * 250_000, COMMANDS)
    refusal = parse_command({**MINT, "do": "mint" * 250_000})
    assert isinstance(refusal, Refusal) and refusal.message.startswith("do: unknown command 'mint")
