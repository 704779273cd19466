"""Bad input, to every door: the core, the story runner, the command line and the HTTP API.

Each malformed command gets a refusal or an error that names the problem: never a traceback,
never a changed world.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from figures import FIGURES
from hightable.cli import app as cli
from hightable.core import Ledger, Refusal, handle
from hightable.stories import StoryError, load_story, play
from servers import OPERATOR_HEADERS, start_server, stop_server

START = "2019-05-17T17:00:00Z"
AT = "2019-05-17T18:00:00Z"
DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "x" * 2_000_000
OFF_CALENDAR = ["9999-12-31T23:59:59-01:00", "0001-01-01T00:30:00+01:00", "0999-01-01T00:00:00Z"]

# Each malformed command, and a word its refusal must contain: the field or the problem.
MALFORMED: list[tuple[Any, str, str]] = [
    ({"by": "john", "do": "transfer", "to": "sofia", "amount": "5", "at": AT}, "CMD-1", "amount"),
    ({"by": "john", "do": "transfer", "to": "sofia", "amount": 5.5, "at": AT}, "CMD-1", "amount"),
    ({"by": "john", "do": "transfer", "to": "sofia", "amount": True, "at": AT}, "CMD-1", "amount"),
    ({"by": "john", "do": "transfer", "to": "sofia", "at": AT}, "CMD-1", "amount"),
    ({"by": "john", "do": "transfer", "amount": 5, "at": AT}, "CMD-1", "to"),
    ({"do": "transfer", "to": "sofia", "amount": 5, "at": AT}, "CMD-1", "by"),
    ({"by": "john", "to": "sofia", "amount": 5, "at": AT}, "CMD-1", "do"),
    ({"by": "john", "do": "transfer", "to": "sofia", "amount": 5}, "CMD-1", "at"),
    ({"by": "john", "do": "summon", "at": AT}, "CMD-1", "summon"),
    ({"by": "john", "do": 7, "at": AT}, "CMD-1", "do"),
    ({"by": "john", "do": "transfer", "to": "Sofia!", "amount": 5, "at": AT}, "ID-1", "to"),
    ({"by": "JOHN", "do": "transfer", "to": "sofia", "amount": 5, "at": AT}, "ID-1", "by"),
    ({"by": "john", "do": "transfer", "to": "s" * 100, "amount": 5, "at": AT}, "ID-1", "to"),
    (
        {"by": "john", "do": "transfer", "to": "sofia", "amount": 5, "at": "yesterday"},
        "CMD-1",
        "at",
    ),
    (
        {"by": "john", "do": "transfer", "to": "sofia", "amount": 5, "at": "2019-13-01T00:00:00Z"},
        "CMD-1",
        "at",
    ),
    (
        {"by": "john", "do": "transfer", "to": "sofia", "amount": 5, "at": "2019-05-17T18:00:00"},
        "CMD-1",
        "at",
    ),
    (
        {"by": "john", "do": "transfer", "to": "sofia", "amount": 5, "at": AT, "extra": 1},
        "CMD-1",
        "extra",
    ),
    (
        {"by": "john", "do": "transfer", "to": "sofia", "amount": 10**30, "at": AT},
        "CMD-1",
        "amount",
    ),
    ({"by": "john", "do": "aid", "member": "sofia", "help": HUGE, "at": AT}, "CMD-1", "help"),
    (
        {
            "by": "john",
            "do": "offer_terms",
            "terms": "t",
            "to": "sofia",
            "grants": [[[[[]]]]],
            "requires": [],
            "grant_on": "accept",
            "at": AT,
        },
        "CMD-1",
        "grants",
    ),
    ({"by": "john", "do": "transfer", "to": ["sofia"], "amount": 5, "at": AT}, "CMD-1", "to"),
    ([1, 2, 3], "CMD-1", "mapping"),
    ("transfer", "CMD-1", "mapping"),
    (None, "CMD-1", "mapping"),
]

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=80),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
DO = st.sampled_from(
    ["transfer", "mint", "post_contract", "offer_terms", "sanction_duel", "tick", "x"]
)
RAW_COMMANDS = st.one_of(
    JSON_VALUES,
    st.builds(
        lambda do, fields, by, at: {"do": do, "by": by, "at": at, **fields},
        DO,
        st.dictionaries(
            st.sampled_from(
                ["to", "amount", "member", "contract", "bounty", "terms", "grants", "hour"]
            ),
            JSON_VALUES,
        ),
        st.one_of(st.sampled_from(["john", "table", "sofia"]), JSON_VALUES),
        st.one_of(st.just(AT), JSON_VALUES),
    ),
)


def a_world() -> Ledger:
    ledger = Ledger.create("w", START)
    assert isinstance(ledger, Ledger)
    for member in ("john", "sofia"):
        ledger.execute(
            {"by": "table", "do": "register", "member": member, "name": member, "at": START}
        )
    ledger.execute({"by": "table", "do": "mint", "to": "john", "amount": 10, "at": START})
    return ledger


# -- the core ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "rule", "named"), MALFORMED, ids=range(len(MALFORMED)))
def test_the_core_refuses_each_malformed_command_naming_the_problem(
    raw: Any, rule: str, named: str
) -> None:
    ledger = a_world()
    before = msgspec.json.encode(ledger.state)
    outcome = handle(ledger.state, raw)
    FIGURES.count("bad inputs tried")
    assert isinstance(outcome, Refusal)
    assert (rule, True) == (outcome.rule, named in outcome.message), outcome.message
    assert len(outcome.message) < 400  # the refusal names the problem, it does not echo it
    assert before == msgspec.json.encode(ledger.state)


@settings(max_examples=1_500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RAW_COMMANDS)
def test_the_core_never_raises_and_never_changes_the_world_on_a_refusal(raw: Any) -> None:
    ledger = a_world()
    before = msgspec.json.encode(ledger.state)
    outcome = handle(ledger.state, raw)
    FIGURES.count("bad inputs tried")
    assert before == msgspec.json.encode(ledger.state)  # decide never changes the state
    if isinstance(outcome, Refusal):
        assert outcome.rule and outcome.message


# -- the story runner and the command line -------------------------------------------------------

HEAD = b"story: x\nstart: 2019-05-17T17:00:00Z\nsteps:\n  - "
BAD_STORIES: list[bytes] = [
    HEAD + b"{by: table, do: register, member: \xff\xfe}\n",
    b"\x00\x01\x02",
    b"story: [unclosed\n",
    b"story: x\nstart: never\nsteps: []\n",
    b"story: x\nstart: 2019-05-17T17:00:00Z\nsteps: 7\n",
    HEAD + DEEP[:20_000].encode() + b"\n",
    HEAD + b"{by: table, do: register, member: john, name: " + HUGE[:100_000].encode() + b"}\n",
    HEAD + b"{by: table, do: transfer, to: 5, amount: [1]}\n",
    HEAD + b"{at: tomorrow, by: table, do: tick}\n",
    b"&a [*a, *a]\n",
    b"a: &a [*a]\n" + b"b: &b [*a, *a, *a]\n" * 20,
]


@pytest.fixture
def story_files(tmp_path: Path) -> Iterator[list[Path]]:
    paths = []
    for number, content in enumerate(BAD_STORIES):
        path = tmp_path / f"bad-{number}.yaml"
        path.write_bytes(content)
        paths.append(path)
    yield paths


def test_the_story_runner_names_what_is_wrong_with_a_bad_story(story_files: list[Path]) -> None:
    for path in story_files:
        FIGURES.count("bad inputs tried")
        try:
            story = load_story(path)
        except StoryError as error:
            assert path.name in str(error)
            continue
        report, _ = play(story)  # loaded: then each bad step fails, with its line
        assert not report.passed, path


def test_the_command_line_reports_bad_stories_without_a_traceback(story_files: list[Path]) -> None:
    for path in story_files:
        result = CliRunner().invoke(cli, ["play", str(path)])
        FIGURES.count("bad inputs tried")
        assert result.exit_code in (1, 2), (path, result.output)
        assert (
            "Traceback" not in result.output
            and result.exception is None
            or isinstance(result.exception, SystemExit)
        )


BAD_COMMAND_FILES = [
    b"\xff\xfe not text",
    json.dumps({"by": "john", "do": "transfer", "to": "sofia", "amount": 5, "at": AT}).encode()
    + b"\n{bad json",
    DEEP.encode(),
    json.dumps(
        {"by": "john", "do": "transfer", "to": "sofia", "amount": "five", "at": AT}
    ).encode(),
    b"[1, 2, 3]\n",
]


def test_the_command_line_refuses_bad_command_files_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HIGHTABLE_STORE", f"sqlite:///{tmp_path / 'books.db'}")
    runner = CliRunner()
    assert 0 == runner.invoke(cli, ["world", "new", "w", "--start", START]).exit_code
    runner.invoke(cli, ["do", "w", "--by", "table", "register", "member=john", "name=John"])
    log = runner.invoke(cli, ["log", "w", "--json"]).output
    for number, content in enumerate(BAD_COMMAND_FILES):
        path = tmp_path / f"bad-{number}.jsonl"
        path.write_bytes(content)
        result = runner.invoke(cli, ["do", "w", "--file", str(path), "--atomic"])
        FIGURES.count("bad inputs tried")
        assert result.exit_code in (1, 2), (number, result.output)
        assert "Traceback" not in result.output
        assert log == runner.invoke(cli, ["log", "w", "--json"]).output
    for fields in (["amount=five"], ["to=Sofia!", "amount=1"], ["amount=[1"], []):
        result = runner.invoke(cli, ["do", "w", "--by", "john", "transfer", *fields])
        FIGURES.count("bad inputs tried")
        assert result.exit_code in (1, 2) and "Traceback" not in result.output, result.output
    assert log == runner.invoke(cli, ["log", "w", "--json"]).output


# -- the HTTP API --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """A real server process, and a world on it with the table's token."""
    process, base = start_server(f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}")
    with httpx.Client(base_url=base, timeout=60) as client:
        created = client.post(
            "/worlds", json={"world": "w", "start": START}, headers=OPERATOR_HEADERS
        )
        headers = {"Authorization": f"Bearer {created.json()['table_token']}"}
        client.post(
            "/worlds/w/commands",
            headers=headers,
            json={"by": "table", "do": "register", "member": "john", "name": "J", "at": START},
        )
        yield client, headers
    stop_server(process)


BAD_BODIES: list[bytes] = [
    b"\xff\xfe\xfd",
    b"{not json",
    DEEP.encode(),
    json.dumps({"by": "table", "do": "mint", "to": "john", "amount": "5", "at": AT}).encode(),
    json.dumps({"by": "table", "do": "mint", "to": "john", "at": AT}).encode(),
    json.dumps({"by": "table", "do": "summon", "at": AT}).encode(),
    json.dumps({"by": "table", "do": "mint", "to": "John Wick", "amount": 5, "at": AT}).encode(),
    json.dumps({"by": "table", "do": "mint", "to": "john", "amount": 5, "at": "noon"}).encode(),
    json.dumps({"by": "table", "do": "aid", "member": "john", "help": HUGE, "at": AT}).encode(),
    json.dumps([{"by": "table"}]).encode(),
    b"null",
    b"",
]


def test_the_api_answers_bad_bodies_with_a_refusal_and_changes_nothing(
    api: tuple[httpx.Client, dict[str, str]],
) -> None:
    client, headers = api
    before = client.get("/worlds/w/events", headers=headers).json()
    for body in BAD_BODIES:
        for path in ("/worlds/w/commands", "/worlds/w/batch"):
            answer = client.post(
                path, headers={**headers, "content-type": "application/json"}, content=body
            )
            FIGURES.count("bad inputs tried")
            assert 400 <= answer.status_code < 500, (
                body[:60],
                answer.status_code,
                answer.text[:200],
            )
            refusal = answer.json()
            assert refusal["rule"] and refusal["message"], refusal
            assert "Traceback" not in answer.text
    assert before == client.get("/worlds/w/events", headers=headers).json()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(RAW_COMMANDS)
def test_the_api_never_fails_on_any_json(
    api: tuple[httpx.Client, dict[str, str]], raw: Any
) -> None:
    client, headers = api
    answer = client.post("/worlds/w/commands", headers=headers, json=raw)
    FIGURES.count("bad inputs tried")
    assert answer.status_code < 500, answer.text[:300]
    if answer.status_code >= 400:
        assert answer.json()["rule"]


# -- every route and parameter of the API, fuzzed -------------------------------------------------

# Digits of other scripts (int() reads most of them; none is a seq, an index or a year).
SCRIPT_DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९０１２３４５６７８９²³¹⁰𝟎𝟏𝟗"
# Percent escapes of bytes that are no UTF-8: a lone surrogate, stray bytes, an overlong slash.
BAD_ESCAPES = ["%ED%A0%80", "%FF", "%C0%AF", "%F4%90%80%80", "%E2%82", "%00", "%", "%zz"]
BIG_INTEGERS = st.one_of(
    st.integers(min_value=2**62 - 2, max_value=2**64 + 2),
    st.integers(min_value=2**64, max_value=10**400),
    st.integers(max_value=-(2**63) + 2, min_value=-(2**64)),
)
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=SCRIPT_DIGITS, min_size=1, max_size=24),
    BIG_INTEGERS.map(str),
    st.sampled_from(
        ["9999-12-31T23:59:59-01:00", "0001-01-01T00:30:00+01:00", "0999-01-01T00:00:00Z"]
    ),
)
# A URL component as sent: odd text percent-encoded as UTF-8, or escapes of bytes that are none.
ODD_COMPONENT = st.one_of(
    ODD_TEXT.map(lambda text: quote(text, safe="")),
    st.lists(st.sampled_from(BAD_ESCAPES), min_size=1, max_size=3).map("".join),
    st.tuples(st.text(alphabet=SCRIPT_DIGITS, max_size=4), st.sampled_from(BAD_ESCAPES)).map(
        "".join
    ),
)
# Each GET route with one slot for the odd value, and whether the table's token goes along.
GETS: list[tuple[str, bool]] = [
    ("/worlds/{}/view", True),
    ("/worlds/w/view?at={}", True),
    ("/worlds/w/view?path={}", True),
    ("/worlds/w/view?path=members.john.offices.{}", True),
    ("/worlds/w/view?path=members.{}", True),
    ("/worlds/w/view?token={}", False),
    ("/worlds/w/members/{}/dossier", True),
    ("/worlds/w/members/john/dossier?at={}", True),
    ("/worlds/{}/events", True),
    ("/worlds/w/events?after={}", True),
    ("/worlds/w/events?limit={}", True),
    ("/worlds/{}/verify", True),
    ("/worlds/w/feed?after={}&seconds=0.2", True),
    ("/worlds/w/feed?seconds={}", True),
    ("/worlds/w/feed?names={}&seconds=0.2", True),
    ("/worlds/{}/feed?seconds=0.2", True),
    ("/worlds/{}", True),
    ("/w/{}", False),
    ("/w/w/members/{}", False),
    ("/rules?{}={}", False),
    ("/{}", False),
]
ODD_JSON = st.one_of(JSON_VALUES, ODD_TEXT, BIG_INTEGERS)
ODD = object()  # where the odd value goes in a body
POSTS: list[tuple[str, dict[str, Any]]] = [
    ("/worlds", {"world": ODD, "start": START}),
    ("/worlds", {"world": "fresh", "start": ODD}),
    ("/worlds", {"world": "fresh", "start": START, "public": ODD}),
    ("/worlds/w/tokens", {"member": ODD}),
    ("/worlds/w/fork", {"world": ODD, "at": AT}),
    ("/worlds/w/fork", {"world": "what-if", "at": ODD}),
    ("/worlds/w/batch", {"commands": ODD}),
    ("/worlds/w/batch", {"commands": [], "atomic": ODD}),
    ("/worlds/w/commands", {"by": "table", "do": "mint", "to": "john", "amount": ODD, "at": AT}),
    ("/worlds/w/commands", {"by": "table", "do": "mint", "to": "john", "amount": 1, "at": ODD}),
    ("/worlds/w/commands", {"by": "table", "do": "tick", "at": AT, "cid": ODD}),
]


def assert_answered(answer: httpx.Response, sent: str) -> None:
    """Below 500, and a refusal is a JSON body naming its rule."""
    FIGURES.count("bad inputs tried")
    assert answer.status_code < 500, (sent, answer.status_code, answer.text[:300])
    if answer.status_code >= 400:
        assert answer.json()["rule"], (sent, answer.text[:300])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(GETS), ODD_COMPONENT)
def test_every_route_and_parameter_answers_odd_text_below_500(
    api: tuple[httpx.Client, dict[str, str]], route: tuple[str, bool], odd: str
) -> None:
    client, headers = api
    template, with_token = route
    url = template.replace("{}", odd)
    with client.stream("GET", url, headers=headers if with_token else {}) as answer:
        if answer.status_code >= 400:
            answer.read()
        assert_answered(answer, url)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(POSTS), ODD_JSON)
def test_every_body_field_answers_odd_values_below_500(
    api: tuple[httpx.Client, dict[str, str]], route: tuple[str, dict[str, Any]], odd: Any
) -> None:
    client, headers = api
    path, body = route
    sent = {key: odd if value is ODD else value for key, value in body.items()}
    headers = OPERATOR_HEADERS if path == "/worlds" else headers  # creating is the operator's
    assert_answered(client.post(path, headers=headers, json=sent), f"{path} {sent!r}"[:300])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ODD_TEXT)
def test_any_last_event_id_answers_below_500(
    api: tuple[httpx.Client, dict[str, str]], odd: str
) -> None:
    client, headers = api
    value = bytes(byte for byte in odd.encode() if byte > 0x20 and byte != 0x7F)  # a header's
    with client.stream(
        "GET", "/worlds/w/feed?seconds=0.2", headers={**headers, "Last-Event-ID": value}
    ) as answer:
        if answer.status_code >= 400:
            answer.read()
        assert_answered(answer, repr(value))
