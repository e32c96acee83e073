"""`warden run --role ARN -- CMD...`: run a command as a role, with no static keys in its hands.

The runner's own credentials sign AssumeRole; the command only sees a loopback
container-credentials endpoint and its per-run token, so the SDK's default chain gives it the
role's temporary credentials, refreshed before they expire.
"""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer

from warden.workload import (
    AssumeRoleFailed,
    AssumeRoleSource,
    CredentialsEndpoint,
    CredentialVendor,
    child_environment,
    run_child,
)

from .output import error_console

__all__ = ["register", "run_as_role"]


def run_as_role(
    role_arn: str,
    command: list[str],
    *,
    profile: str | None = None,
    endpoint_url: str | None = None,
    duration_seconds: int | None = None,
    session_name: str | None = None,
) -> int:
    """The command's body, separated from typer for tests; returns the exit code."""
    name = session_name or f"warden-run-{int(time.time())}"
    try:
        source = AssumeRoleSource(
            role_arn, name, profile=profile, endpoint_url=endpoint_url, duration_seconds=duration_seconds
        )
        vendor = CredentialVendor(source, source.now)
        vendor.current()  # fail before the command starts if the role cannot be assumed
    except AssumeRoleFailed as error:
        error_console.print(f"[bold red]warden run:[/] cannot assume role {role_arn}: {error}")
        return 1
    with CredentialsEndpoint(vendor) as endpoint:
        env = child_environment(
            os.environ, uri=endpoint.uri, token=endpoint.token, region=source.region,
            endpoint_url=source.endpoint_url,
        )
        return run_child(command, env)


def run_command(
    command: Annotated[list[str], typer.Argument(help="The command and its arguments (after --).")],
    role: Annotated[str, typer.Option("--role", help="ARN of the role the command runs as.")],
    endpoint_url: Annotated[str | None, typer.Option("--endpoint-url", help="warden's URL.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Profile whose credentials assume the role.")] = None,
    duration: Annotated[
        int | None, typer.Option("--duration", min=900, max=43200, help="Session length in seconds.")
    ] = None,
    session_name: Annotated[str | None, typer.Option("--session-name", help="RoleSessionName to use.")] = None,
) -> None:
    """Run CMD with the role's temporary credentials served on a local container-credentials endpoint."""
    raise typer.Exit(
        run_as_role(
            role, command, profile=profile, endpoint_url=endpoint_url, duration_seconds=duration,
            session_name=session_name,
        )
    )


def register(app: typer.Typer) -> None:
    app.command("run")(run_command)
