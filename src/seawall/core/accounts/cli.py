"""``seawall users create`` and ``seawall keys create``."""

from __future__ import annotations

from typing import Annotated

import typer

from seawall.core.accounts.models import Role
from seawall.core.accounts.service import AccountError, create_key, create_user
from seawall.core.node import CLI_ACTOR, node_of

users = typer.Typer(help="Users and their roles.", no_args_is_help=True)
keys = typer.Typer(help="API keys.", no_args_is_help=True)


@users.command("create")
def users_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Login name, lower case.")],
    role: Annotated[Role, typer.Option(help="What the user does.")],
    filer_id: Annotated[
        str | None, typer.Option(help="For a filer: the filer code it files as.")
    ] = None,
) -> None:
    """Add a user with a role."""
    with node_of(ctx).database.transaction() as session:
        try:
            user = create_user(session, name, role, filer_id, CLI_ACTOR)
        except AccountError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"created user {user.name} ({user.role}) id={user.id}")


@keys.command("create")
def keys_create(
    ctx: typer.Context, user: Annotated[str, typer.Argument(help="The user the key is for.")]
) -> None:
    """Issue an API key; it is printed once and only its hash is kept."""
    with node_of(ctx).database.transaction() as session:
        try:
            key = create_key(session, user, CLI_ACTOR)
        except AccountError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
    typer.echo(key)
