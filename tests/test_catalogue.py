"""`hightable commands`: the catalogue read from the core's registry, its examples, the rules
each command can be refused with, and docs/commands.md kept current."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from cli_helpers import run
from hightable.catalogue import as_markdown, catalogue
from hightable.core import COMMANDS, RULES, Command, Ledger, Outcome, Refusal
from hightable.core.commands import parse_command
from hightable.stories import story_paths
from hightable.stories.coverage import CountingLedger
from hightable.stories.loader import load_story
from hightable.stories.runner import play_step
from hightable.storm.run import storm
from hightable.storm.start import from_cast

ROOT = Path(__file__).parents[1]


def test_docs_commands_md_is_what_the_catalogue_generates() -> None:
    """Regenerate with `hightable commands --markdown > docs/commands.md`."""
    written = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert as_markdown(catalogue()) == written


def test_every_command_of_the_core_is_in_the_catalogue_once() -> None:
    assert sorted(COMMANDS) == [entry.do for entry in catalogue()]


def test_every_example_is_a_command_the_core_parses() -> None:
    for entry in catalogue():
        parsed = parse_command(entry.example)
        assert isinstance(parsed, Command), (entry.do, parsed)
        assert entry.do == parsed.do


def test_a_field_shows_its_type_and_limits() -> None:
    transfer = next(entry for entry in catalogue() if entry.do == "transfer")
    fields = {field.name: field for field in transfer.fields}
    assert "a whole number of coins, from -1,000,000,000,000,000 to 1,000,000,000,000,000" == (
        fields["amount"].type
    )
    assert "an id: a slug (ID-1), matching `^[a-z0-9][a-z0-9-]{0,63}$`" == fields["to"].type
    assert fields["to"].required and "up to 2,000 characters" in fields["cid"].type
    assert not fields["cid"].required
    service = next(entry for entry in catalogue() if entry.do == "use_service")
    assert next(f for f in service.fields if f.name == "service").type.startswith("one of armory")


def refusals_seen() -> dict[str, set[str]]:
    """The rules each command was refused with: by every shipped story, and by a storm."""
    seen: dict[str, set[str]] = defaultdict(set)

    def count(raw: object, outcome: Outcome | object) -> None:
        do = raw.get("do") if isinstance(raw, dict) else None
        if isinstance(outcome, Refusal) and isinstance(do, str) and do in COMMANDS:
            seen[do].add(outcome.rule)

    for path in story_paths([ROOT / "stories"]):
        story = load_story(path)
        created = Ledger.create(story.world, story.start)
        assert isinstance(created, Ledger)
        ledger = CountingLedger(created.events)
        for step in story.steps:
            play_step(ledger, step)
        for raw, outcome in ledger.outcomes:
            count(raw, outcome)
    log: list[dict[str, Any]] = []
    storm(from_cast(None), seed=3, steps=1500, log=log.append)
    for entry in log:
        outcome = str(entry["outcome"])
        if outcome.startswith("refused "):
            count(entry["command"], Refusal(outcome.split()[1], "", ""))
    return seen


def test_the_rules_listed_for_a_command_cover_every_rule_it_was_refused_with() -> None:
    """The catalogue's rules are read from each handler's code (stories/reach.py); every
    refusal the stories and a storm meet must be among them."""
    listed = {entry.do: set(entry.rules) for entry in catalogue()}
    seen = refusals_seen()
    assert sum(map(len, seen.values())) > 100  # the check has something to check
    missing = {do: rules - listed[do] for do, rules in seen.items() if rules - listed[do]}
    assert {} == missing


def test_every_listed_rule_is_a_rule_of_the_book() -> None:
    assert all(rule in RULES for entry in catalogue() for rule in entry.rules)


def test_commands_cli_lists_shows_one_and_suggests_a_name() -> None:
    code, listing = run("commands")
    assert 0 == code and len(COMMANDS) == len(listing.strip().splitlines())
    code, one = run("commands", "transfer")
    assert 0 == code
    assert "COIN-2  No balance may go below zero" in one
    assert "hightable do WORLD --by john transfer to=winston amount=5" in one
    code, wrong = run("commands", "tranfser")
    assert (2, True) == (code, "did you mean transfer?" in wrong)


def test_commands_json_holds_each_command_with_its_schema() -> None:
    code, output = run("commands", "--json")
    document = json.loads(output)
    assert 0 == code and 1 == document["format"]
    mint = next(each for each in document["commands"] if each["do"] == "mint")
    assert {"do", "who", "fields", "rules", "example", "schema"} == set(mint)
    assert {"const": "mint"} == mint["schema"]["properties"]["do"]
    assert "The table alone (ROLE-1)." == mint["who"]


def test_every_example_meets_the_command_schema_hightable_schema_prints() -> None:
    """`hightable schema commands`: one of the commands, and each catalogue example meets it
    while a mistyped one does not."""
    code, output = run("schema", "commands")
    schema = json.loads(output)
    assert 0 == code and len(COMMANDS) == len(schema["oneOf"])
    validator = Draft202012Validator(schema)
    for entry in catalogue():
        assert validator.is_valid(entry.example), entry.do
        assert not validator.is_valid({**entry.example, "do": entry.do + "x"})


def test_an_example_names_each_object_after_its_kind() -> None:
    """open_hotel's example opens a hotel (`continental`), not one named as a member: pasted one
    after the other, the examples that create objects take ids that are all free."""
    examples = {entry.do: entry.example for entry in catalogue()}
    assert "continental" == examples["open_hotel"]["hotel"]
    ledger = Ledger.create("w", str(examples["register"]["at"]))
    assert isinstance(ledger, Ledger)
    for do in ("register", "open_hotel"):
        outcome = ledger.execute(examples[do])
        assert not isinstance(outcome, Refusal), (do, outcome)


def test_an_unknown_command_name_is_repeated_cut_short() -> None:
    code, wrong = run("commands", "x" * 100_000)
    assert (2, 1, True) == (code, len(wrong.strip().splitlines()), len(wrong) < 300), wrong[:300]
