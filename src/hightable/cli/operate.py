"""What the operator of a store does to its worlds from the command line: list and revoke
tokens, archive (WORLD-2) and delete worlds."""

from __future__ import annotations

from typing import Annotated

import typer

from hightable.cli.app import StoreOption, fail, must_hold, out, service_for
from hightable.cli.worlds import world_app

WorldArgument = Annotated[str, typer.Argument(help="The world's id.")]


@world_app.command("tokens")
def world_tokens(world: WorldArgument, store: StoreOption = None) -> None:
    """The world's tokens, revoked ones too: id, holder, issued, revoked, label (never a token)."""
    with service_for(store) as service:
        must_hold(service, world)
        for token in service.tokens(world):
            revoked = f"revoked {token.revoked_at}" if token.revoked_at else "live"
            issued = token.issued_at or "-"
            out.print(f"{token.id}  {token.holder:<24} {issued:<20}  {revoked:<28} {token.label}")


@world_app.command("revoke")
def world_revoke(
    world: WorldArgument,
    token_id: Annotated[str, typer.Argument(help="The token's id, as `world tokens` lists it.")],
    store: StoreOption = None,
) -> None:
    """Revoke a token: every server sharing the store refuses it at its next use (ACCESS-1)."""
    with service_for(store) as service:
        must_hold(service, world)
        if not service.revoke_token(world, token_id):
            fail(f"ID-3: no live token {token_id!r} of the world {world!r}", code=1)
    out.print(f"token {token_id} of {world} revoked")


@world_app.command("archive")
def world_archive(
    world: WorldArgument,
    undo: Annotated[bool, typer.Option("--undo", help="Open it to commands again.")] = False,
    store: StoreOption = None,
) -> None:
    """Archive a world: read-only, left out of the public listing (WORLD-2)."""
    with service_for(store) as service:
        must_hold(service, world)
        service.set_archived(world, not undo)
    out.print(f"world {world} {'open to commands again' if undo else 'archived: read-only'}")


@world_app.command("delete")
def world_delete(
    world: WorldArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    store: StoreOption = None,
) -> None:
    """Delete a world and all the store keeps of it (log, snapshots, tokens): for good."""
    with service_for(store) as service:
        must_hold(service, world)
        if not yes and not typer.confirm(f"delete the world {world} and its whole log for good?"):
            fail("nothing was deleted", code=1)
        service.delete(world)
    out.print(f"world {world} deleted")
