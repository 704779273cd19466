"""Access: the table issues member tokens."""

from __future__ import annotations

from fastapi import APIRouter

from hightable.api.access import Service, Token, table_only
from hightable.api.errors import Refused
from hightable.api.models import IssueToken, TokenIssued

router = APIRouter(tags=["access"])


@router.post("/worlds/{world}/tokens", status_code=201, response_model=TokenIssued)
def issue_token(world: str, body: IssueToken, service: Service, token: Token) -> TokenIssued:
    """The table issues a member token: it acts only as that member, only in this world."""
    table_only(service, world, token)
    missing = service.member_refusal(world, body.member)
    if missing is not None:
        raise Refused(missing)
    return TokenIssued(member=body.member, token=service.issue_token(world, body.member))
