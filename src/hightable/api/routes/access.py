"""Access: the table issues member tokens, lists its world's tokens and revokes them."""

from __future__ import annotations

import re

from fastapi import APIRouter

from hightable.api.access import Service, Token, table_only
from hightable.api.errors import Refused, refused
from hightable.api.models import IssueToken, TokenIssued, TokenListing
from hightable.api.requestlog import note

router = APIRouter(tags=["access"])

TOKEN_ID = re.compile(r"[0-9a-f]{1,64}")


@router.post("/worlds/{world}/tokens", status_code=201, response_model=TokenIssued)
def issue_token(world: str, body: IssueToken, service: Service, token: Token) -> TokenIssued:
    """The table issues a member token: it acts only as that member, only in this world."""
    table_only(service, world, token)
    note(command="issue_token")
    missing = service.member_refusal(world, body.member)
    if missing is not None:
        raise Refused(missing)
    issued = service.issue_token(world, body.member, body.label)
    return TokenIssued(member=body.member, token=issued)


@router.get("/worlds/{world}/tokens", response_model=list[TokenListing])
def list_tokens(world: str, service: Service, token: Token) -> list[TokenListing]:
    """(table) The world's tokens, revoked ones too: never a token itself, nor its hash."""
    table_only(service, world, token)
    return [
        TokenListing(
            id=t.id,
            member=t.holder,
            label=t.label,
            issued_at=t.issued_at,
            revoked=t.revoked_at is not None,
            revoked_at=t.revoked_at,
        )
        for t in service.tokens(world)
    ]


@router.delete("/worlds/{world}/tokens/{token_id}", status_code=204)
def revoke_token(world: str, token_id: str, service: Service, token: Token) -> None:
    """(table) Revoke a token by its id: refused at its next use, by every server of the store."""
    table_only(service, world, token)
    note(command="revoke_token")
    # An id is hex: anything else names no token (and never reaches the store as text).
    if not TOKEN_ID.fullmatch(token_id) or not service.revoke_token(world, token_id):
        raise refused("ID-3", f"no token {token_id[:64]!r} of {world!r} to revoke")
