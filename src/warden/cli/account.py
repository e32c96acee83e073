"""`warden account create`: add an isolated account with its own root access key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from warden.config import Settings
from warden.services import bootstrap
from warden.store import AlreadyExists

__all__ = ["register"]

account_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
_console = Console(stderr=True)


@account_app.command("create")
def create(
    data: Annotated[Path, typer.Option("--data", help="The server's data folder.")] = Path(".warden"),
    account_id: Annotated[str | None, typer.Option("--account-id", help="12-digit id; random if omitted.")] = None,
    database_url: Annotated[str | None, typer.Option("--database-url")] = None,
    endpoint_url: Annotated[str, typer.Option("--endpoint-url")] = "http://127.0.0.1:8080",
) -> None:
    """Create an account; its root key is written to DIR/credentials under a profile named after it."""
    from warden.server.runtime import Runtime

    if account_id is not None and (len(account_id) != 12 or not account_id.isdigit()):
        raise typer.BadParameter("must be 12 digits", param_hint="--account-id")
    settings = Settings.from_environment(data_dir=data, database_url=database_url)
    runtime = Runtime.build(settings)
    try:
        created = bootstrap.create_account(
            runtime.store, runtime.env.ids, runtime.env.secrets, runtime.now(), account_id=account_id
        )
    except AlreadyExists:
        _console.print(f"[red]Account {account_id} already exists.[/red]")
        raise typer.Exit(1) from None
    finally:
        runtime.close()
    assert created is not None
    credentials, _ = bootstrap.write_credentials_files(
        settings.data_dir, created, profile=created.account_id, endpoint_url=endpoint_url, region=settings.region
    )
    _console.print(
        f"Created account {created.account_id}; its root key is profile '{created.account_id}' in {credentials}."
    )
    typer.echo(created.account_id)


def register(app: typer.Typer) -> None:
    app.add_typer(account_app, name="account")
