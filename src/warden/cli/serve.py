"""`warden serve`: run the server; on an empty store, create the first account and its root key."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from warden.config import Settings
from warden.server.runtime import Runtime
from warden.services import bootstrap

__all__ = ["register", "serve"]

_console = Console(stderr=True)


def _first_start(runtime: Runtime, settings: Settings, account_id: str | None) -> None:
    first = bootstrap.ensure_first_account(
        runtime.store,
        runtime.env.ids,
        runtime.env.secrets,
        runtime.now(),
        data_dir=settings.data_dir,
        endpoint_url=settings.endpoint_url,
        region=settings.region,
        partition=settings.partition,
        account_id=account_id,
    )
    if first is None:
        return
    created, credentials, config = first
    _console.print(f"[bold]Created account {created.account_id}[/bold] and its root user.")
    _console.print(
        f"The root user's access key is in {credentials} (profile 'default'); {config} names the endpoint.",
        soft_wrap=True,
    )
    _console.print("Use them with the AWS CLI or an SDK:")
    _console.print(
        f"  export AWS_SHARED_CREDENTIALS_FILE={credentials.resolve()} AWS_CONFIG_FILE={config.resolve()}\n"
        "  aws sts get-caller-identity",
        highlight=False,
        soft_wrap=True,
    )
    _console.print(
        "[yellow]Create an administrator (aws iam create-user, attach AdministratorAccess, "
        "create-access-key) and stop using the root user's key for daily work.[/yellow]"
    )


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    data: Annotated[Path, typer.Option("--data", help="Data folder (store, master key, credentials).")] = Path(
        ".warden"
    ),
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="SQLAlchemy URL; default SQLite in the data folder.")
    ] = None,
    account_id: Annotated[
        str | None, typer.Option("--account-id", help="Id of the first account (12 digits).")
    ] = None,
    mock: Annotated[
        bool, typer.Option("--mock", help="Local-development mode: no signature or permission checks.")
    ] = False,
    log_level: Annotated[str, typer.Option(help="Logging level.")] = "info",
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Proxies whose X-Forwarded-For is believed for aws:SourceIp (comma-separated "
            "addresses or networks, or '*'); by default none.",
        ),
    ] = None,
) -> None:
    """Serve the AWS IAM and STS APIs over HTTP."""
    import uvicorn

    from warden.server.app import WardenApp
    from warden.server.listen import uvicorn_config
    from warden.server.pipeline import warm_up
    if account_id is not None and (len(account_id) != 12 or not account_id.isdigit()):
        raise typer.BadParameter("must be 12 digits", param_hint="--account-id")
    logging.basicConfig(level=log_level.upper(), format="%(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = Settings.from_environment(
        host=host,
        port=port,
        data_dir=data,
        database_url=database_url,
        mock=mock,
        forwarded_allow_ips=forwarded_allow_ips,
    )
    runtime = Runtime.build(settings)
    warm_up()
    if mock:
        _console.print(
            "[bold red]warden is running in MOCK mode:[/bold red] signatures and permissions are "
            "NOT checked. Use it only for local development and tests."
        )
        runtime.ensure_mock_account()
    else:
        _first_start(runtime, settings, account_id)
    _console.print(f"warden listening on {settings.endpoint_url}")
    # What start-up built (service models, compiled validators, table metadata) lives as long as
    # the server: keep it out of the collector's full passes, which would walk it every time.
    gc.collect()
    gc.freeze()
    uvicorn.Server(uvicorn_config(WardenApp(runtime), settings, log_level=log_level)).run()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
