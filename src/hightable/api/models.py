"""The shapes of the API's requests and answers, as published in its OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, WithJsonSchema

from hightable.core.commands import SLUG_SCHEMA
from hightable.core.instants import INSTANT_PATTERN
from hightable.limits import batch_length_max, id_length_max, instant_text_length_max
from hightable.schemas import command_schemas, command_union, rule_ids

label_max = 200

COMMAND_DOC = (
    "A command of the rulebook (§16): `do`, `by` and the command's fields, with an optional "
    "`at` (default: the server's clock, or the world's clock if later: TIME-4) and an optional "
    "`cid` for safe retries (IDEM-1); each command's fields are its own schema, as "
    "`hightable commands` lists them. A malformed one is refused with CMD-1 (422)."
)
COMMAND_EXAMPLE = {
    "do": "transfer",
    "by": "john",
    "at": "2019-05-17T17:30:00Z",
    "to": "winston",
    "amount": 5,
    "cid": "pay-winston-1",
}
# A command is documented as one schema per command, told apart by `do` (read from the core's
# registry), but validated by the core alone: its CMD-1 names the field, in every door's words.
COMMAND_SCHEMAS = "#/components/schemas/{name}"
COMMAND_NAMES, COMMAND_COMPONENTS = command_schemas(COMMAND_SCHEMAS)
for _name in COMMAND_NAMES.values():  # over HTTP, `at` may be left to the server (TIME-4)
    _fields = COMMAND_COMPONENTS[_name]
    _fields["required"] = [field for field in _fields.get("required", []) if field != "at"]
CommandBody = Annotated[
    dict[str, object],
    WithJsonSchema(
        {
            "description": COMMAND_DOC,
            "examples": [COMMAND_EXAMPLE],
            **command_union(COMMAND_NAMES, COMMAND_SCHEMAS),
        }
    ),
]


class Request(BaseModel):
    """A request body: exactly the documented fields, of exactly the documented types."""

    model_config = ConfigDict(strict=True, extra="forbid")


RULE_IDS: list[JsonValue] = [*rule_ids()]  # documented only: the rule of a refusal is the core's


class RefusalBody(BaseModel):
    """Why a request was refused: the rule, its title and the facts."""

    rule: str = Field(examples=["COIN-2"], json_schema_extra={"enum": RULE_IDS})
    title: str = Field(examples=["No balance may go below zero"])
    message: str = Field(examples=["john holds 3 coins; the transfer needs 5"])


class CreateWorld(Request):
    world: str = Field(
        description="A slug id (ID-1).",
        examples=["parabellum"],
        max_length=id_length_max,
        json_schema_extra=SLUG_SCHEMA,
    )
    start: str = Field(
        description="The first instant, ISO-8601 UTC.",
        examples=["2019-05-17T17:00:00Z"],
        max_length=instant_text_length_max,
        json_schema_extra={"pattern": INSTANT_PATTERN},
    )
    public: bool = Field(False, description="Readable by anyone, without a token.")


class WorldIssued(BaseModel):
    world: str
    start: str
    table_token: str = Field(description="The world's table token: keep it; it is shown once.")


class IssueToken(Request):
    member: str = Field(
        description="A slug id (ID-1): the member the token acts as.",
        max_length=id_length_max,
        json_schema_extra=SLUG_SCHEMA,
    )
    label: str = Field(
        "",
        description="A note to tell tokens apart (no NUL: no store keeps one in a text).",
        max_length=label_max,
        pattern="^[^\\x00]*$",
    )


class TokenListing(BaseModel):
    """A token as the table sees it: never the token itself."""

    id: str = Field(description="Names the token to revoke it; useless to present.")
    member: str = Field(description="`table`, or the member it acts as.")
    label: str
    issued_at: str
    revoked: bool
    revoked_at: str | None = None


class ArchiveWorld(Request):
    archived: bool = Field(True, description="false: open the world to commands again.")


class DeleteWorld(Request):
    confirm: str = Field(description="The world's id again, to confirm.", max_length=id_length_max)


class WorldState(BaseModel):
    world: str
    archived: bool
    public: bool


class TokenIssued(BaseModel):
    member: str
    token: str


class CommandAnswer(BaseModel):
    """An accepted command (or a retry of one) and the events it appended."""

    outcome: Literal["accepted", "replayed"]
    events: list[dict[str, object]]


class BatchRequest(Request):
    commands: list[CommandBody] = Field(
        max_length=batch_length_max, description=f"At most {batch_length_max} commands."
    )
    atomic: bool = Field(False, description="All accepted, or none appended.")


class BatchItem(BaseModel):
    status: int = Field(
        description="The status this command alone would have had; 409 for a lawful command of"
        " an atomic batch that was refused (`not_applied`: nothing of it was stored)."
    )
    outcome: Literal["accepted", "replayed", "refused", "not_applied"]
    events: list[dict[str, object]] = []
    refusal: RefusalBody | None = None


class BatchResult(BaseModel):
    applied: bool
    outcomes: list[BatchItem]


class BatchRefused(RefusalBody):
    """An atomic batch refused: the first refusal, and what each command would have met."""

    applied: bool
    outcomes: list[BatchItem]


class EventsPage(BaseModel):
    events: list[dict[str, object]] = Field(
        description="The events of the page, in order, each with its `sentence`."
    )
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null at the end."
    )
    head: int = Field(0, description="The seq of the world's last event.")
    seq_at: int | None = Field(
        None, description="With `at`: the seq of the last event at or before it (0: none)."
    )


class VerifyResult(BaseModel):
    ok: bool
    events: int
    head: str
    bad_seq: int | None = None
    problem: str | None = None


class ForkWorld(Request):
    world: str = Field(
        description="A slug id (ID-1): the new world's.",
        max_length=id_length_max,
        json_schema_extra=SLUG_SCHEMA,
    )
    at: str = Field(
        description="Keep the log up to this instant.",
        max_length=instant_text_length_max,
        json_schema_extra={"pattern": INSTANT_PATTERN},
    )


class WorldListing(BaseModel):
    world: str
    start: str
    events: int
    clock: str
