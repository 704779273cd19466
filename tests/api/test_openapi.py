"""The published OpenAPI: valid, one schema per command (a union told apart by `do`), a
refusal's rule as the enum of the rule IDs, and a client generated from it that works."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from hightable.core import COMMANDS, RULES, Command
from hightable.core.commands import SLUG_PATTERN, parse_command
from servers import World

COMMANDS_PATH = "/worlds/{world}/commands"


@pytest.fixture(scope="module")
def openapi(server: str) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{server}/openapi.json").json()
    return document


def test_the_openapi_is_valid(openapi: dict[str, Any]) -> None:
    validate(openapi)  # raises on the first fault


def test_each_command_has_its_own_schema_told_apart_by_do(openapi: dict[str, Any]) -> None:
    body = openapi["paths"][COMMANDS_PATH]["post"]["requestBody"]["content"]["application/json"]
    union = body["schema"]
    assert len(COMMANDS) == len(union["oneOf"])
    mapping = union["discriminator"]["mapping"]
    assert ("do", set(COMMANDS)) == (union["discriminator"]["propertyName"], set(mapping))
    schemas = openapi["components"]["schemas"]
    for do, ref in mapping.items():
        schema = schemas[ref.rpartition("/")[2]]
        assert {"const": do} == schema["properties"]["do"]
        assert {"do", "by"} <= set(schema["required"])
        assert "at" in schema["properties"] and "at" not in schema["required"]  # TIME-4
    batch = schemas["BatchRequest"]["properties"]["commands"]["items"]
    assert mapping == batch["discriminator"]["mapping"]


def test_a_refusal_s_rule_is_one_of_the_rule_ids(openapi: dict[str, Any]) -> None:
    rule = openapi["components"]["schemas"]["RefusalBody"]["properties"]["rule"]
    assert sorted(RULES) == rule["enum"]


def test_the_core_still_judges_a_malformed_command(world: World) -> None:
    """The schema documents; the core's CMD-1, naming the field, is still the answer."""
    answer = world.send(by="john", do="transfer", to="winston", amount="5")
    assert (422, "CMD-1") == (answer.status_code, answer.json()["rule"])
    assert answer.json()["message"].startswith("amount: expected int, got str")


def generated_client(
    openapi: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> ModuleType:
    """The pydantic models datamodel-code-generator writes from the OpenAPI, imported."""
    source, target = folder / "openapi.json", folder / "hightable_client.py"
    source.write_text(json.dumps(openapi))
    command = [sys.executable, "-m", "datamodel_code_generator", "--input", str(source)]
    command += ["--input-file-type", "openapi", "--output", str(target)]
    command += ["--output-model-type", "pydantic_v2.BaseModel", "--formatters", "ruff-format"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert 0 == run.returncode, run.stderr[-3000:]
    spec = importlib.util.spec_from_file_location("hightable_client", target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "hightable_client", module)  # pydantic looks itself up
    spec.loader.exec_module(module)
    return module


def test_a_generated_client_sends_a_command_and_reads_the_refusal_s_rule(
    openapi: dict[str, Any], world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = generated_client(openapi, tmp_path, monkeypatch)

    def send(command: Any) -> httpx.Response:
        body = command.model_dump(mode="json", exclude_none=True)
        return world.client.post(f"/worlds/{world.id}/commands", json=body, headers=world.headers())

    too_much = client.Transfer(do="transfer", by="john", at=world.at(), to="winston", amount=1_000)
    refused = send(too_much)
    assert 409 == refused.status_code
    assert client.Rule.COIN_2 == client.RefusalBody.model_validate(refused.json()).rule
    enough = client.Transfer(do="transfer", by="john", at=world.at(), to="winston", amount=1)
    accepted = client.CommandAnswer.model_validate(send(enough).json())
    assert "coins_transferred" == accepted.events[0]["type"]


def ids_in(schema: Any) -> Iterator[dict[str, Any]]:
    """Every schema of an id within `schema`, at any depth."""
    if isinstance(schema, dict):
        if str(schema.get("description", "")).lower().startswith(("an id", "a slug")):
            yield schema
        for value in schema.values():
            yield from ids_in(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from ids_in(value)


def test_an_id_is_a_slug_wherever_the_openapi_names_one(openapi: dict[str, Any]) -> None:
    """What a schema-checked client sends as an id, the core takes (ID-1): the slug's pattern."""
    schemas = openapi["components"]["schemas"]
    ids = list(ids_in(schemas))
    assert len(ids) > len(COMMANDS) and all(SLUG_PATTERN == each.get("pattern") for each in ids)
    transfer = Draft202012Validator(schemas["Transfer"])
    command = {"do": "transfer", "by": "john", "at": "2019-05-17T17:00:00Z", "amount": 1}
    assert (True, False) == (
        transfer.is_valid({**command, "to": "winston"}),
        transfer.is_valid({**command, "to": "John Wick"}),
    )
    assert not Draft202012Validator(schemas["CreateWorld"]).is_valid(
        {"world": "w" * 65, "start": "2019-05-17T17:00:00Z"}
    )


@pytest.mark.parametrize(
    ("at", "taken"),
    [
        ("2019-05-17T17:00:00Z", True),
        ("2019-05-17 19:00+02:00", True),
        ("2019-05-17T17:00:00.000Z", True),
        ("2019-05-17T17:00:00", False),  # no time zone
        ("2019-05-17T17:00:00.5Z", False),  # a fraction of a second
        ("yesterday", False),
    ],
)
def test_an_instant_in_the_openapi_is_written_as_the_core_reads_it(
    openapi: dict[str, Any], at: str, taken: bool
) -> None:
    """A schema-checked client sends instants the core takes (CMD-1), in the forms it reads."""
    schemas = openapi["components"]["schemas"]
    command = {"do": "transfer", "by": "john", "to": "winston", "amount": 1, "at": at}
    assert (taken, taken) == (
        Draft202012Validator(schemas["Transfer"]).is_valid(command),
        Draft202012Validator(schemas["CreateWorld"]).is_valid({"world": "w", "start": at}),
    )
    assert taken == isinstance(parse_command(command), Command)
