"""`clientela tokens`: create, list and revoke personal API tokens from the command line.

`create` prints the new secret alone on standard output (details go to standard error), so
a script can capture it: `TOKEN=$(clientela tokens create --user shop --scope write)`.
The command acts as the system (`actor=None`), like every CLI command: whoever runs it
already holds the data directory.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

tokens_app = typer.Typer(help="Create, list and revoke personal API tokens.", no_args_is_help=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Directory holding the SQLite database (default: $CLIENTELA_DATA_DIR, "
        "else ./clientela-data).",
        file_okay=False,
    ),
]
UserOpt = Annotated[str, typer.Option("--user", help="The token's user (username).")]


class Scope(StrEnum):
    read = "read"
    write = "write"


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "—"


@tokens_app.command("create")
def tokens_create(
    user: UserOpt,
    scope: Annotated[Scope, typer.Option("--scope", help="read, or write (read and write).")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "command line",
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", min=1, help="Expire after this many days.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Create a token and print its secret (shown only this once)."""
    from clientela import cli

    cli._setup(data_dir)
    from django.utils import timezone

    from clientela.accounts.selectors import user_get
    from clientela.api.services import token_create

    with cli._handled():
        cli._require_initialised()
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        token, secret = token_create(
            actor=None,
            user=user_get(username=user),
            name=name,
            scope=scope.value,
            expires_at=expires_at,
        )
    cli._err().print(
        f"Created token [bold]{token.public_id}[/bold] ({escape(token.name)}, {token.scope}) "
        f"for {escape(token.user.username)}, expires {_when(token.expires_at)}. "
        "The secret below is shown only once."
    )
    print(secret)


@tokens_app.command("list")
def tokens_list(user: UserOpt, data_dir: DataDir = None) -> None:
    """List a user's tokens (prefixes only: secrets are never stored)."""
    from clientela import cli

    cli._setup(data_dir)
    from clientela.accounts.selectors import user_get
    from clientela.api.selectors import token_list_for_user

    with cli._handled():
        cli._require_initialised()
        tokens = list(token_list_for_user(user=user_get(username=user)))
    table = Table(title=f"API tokens of {escape(user)}")
    for column in ("prefix", "name", "scope", "created", "expires", "last used", "status"):
        table.add_column(column)
    for token in tokens:
        status = "revoked" if token.revoked_at else "expired" if token.is_expired() else "active"
        table.add_row(
            token.public_id,
            escape(token.name),
            token.scope,
            _when(token.created_at),
            _when(token.expires_at),
            _when(token.last_used_at),
            status,
        )
    cli._out().print(table if tokens else f"{escape(user)} has no API tokens.")


@tokens_app.command("revoke")
def tokens_revoke(
    prefix: Annotated[str, typer.Argument(help="The token's prefix, e.g. cla_abcd2345.")],
    data_dir: DataDir = None,
) -> None:
    """Revoke a token: it stops working at once."""
    from clientela import cli

    cli._setup(data_dir)
    from clientela.api.selectors import token_get
    from clientela.api.services import token_revoke

    with cli._handled():
        cli._require_initialised()
        token = token_revoke(actor=None, token=token_get(prefix=prefix))
    cli._out().print(f"Revoked token {token.public_id} ({escape(token.name)}).")
