"""`warden roles revoke-sessions ROLE_NAME`: what the IAM console's "Revoke active sessions" does.

It puts the inline policy `AWSRevokeOlderSessions` on the role, denying every action to sessions
whose `aws:TokenIssueTime` is before now; sessions issued later are unaffected, and running it
again moves the date forward. The change goes through warden's IAM API (PutRolePolicy), so the
caller needs iam:PutRolePolicy on the role, as in AWS.
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

import typer

from .output import error_console

__all__ = ["POLICY_NAME", "register", "revoke_older_sessions_policy", "revoke_sessions"]

POLICY_NAME = "AWSRevokeOlderSessions"
_SERVICE_LINKED_PATH = "/aws-service-role/"

roles_app = typer.Typer(help="Manage roles.", no_args_is_help=True)


def revoke_older_sessions_policy(moment: datetime) -> str:
    """The policy AWS documents, denying everything to tokens issued before `moment`."""
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Deny",
                "Action": ["*"],
                "Resource": ["*"],
                "Condition": {"DateLessThan": {"aws:TokenIssueTime": stamp}},
            },
        }
    )


def _server_time(answer: dict[str, Any]) -> datetime:
    """The service's clock (its Date header) rather than ours: token issue times are the
    server's, and a client clock running ahead would also deny sessions issued after this."""
    header = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
    if header:
        try:
            return parsedate_to_datetime(header).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC)


def revoke_sessions(role_name: str, *, profile: str | None = None, endpoint_url: str | None = None) -> datetime:
    """Put the policy on `role_name`; returns the cut-off time. Raises botocore's errors."""
    from warden.aws_client import aws_client

    iam = aws_client("iam", profile=profile, endpoint_url=endpoint_url)
    found = iam.get_role(RoleName=role_name)
    if found["Role"].get("Path", "/").startswith(_SERVICE_LINKED_PATH):
        raise ValueError(f"Role {role_name} is a service-linked role; its sessions cannot be revoked.")
    cutoff = _server_time(found)
    iam.put_role_policy(
        RoleName=role_name, PolicyName=POLICY_NAME, PolicyDocument=revoke_older_sessions_policy(cutoff)
    )
    return cutoff


@roles_app.command("revoke-sessions")
def revoke_sessions_command(
    role_name: Annotated[str, typer.Argument(help="Name of the role whose active sessions are revoked.")],
    endpoint_url: Annotated[str | None, typer.Option("--endpoint-url", help="warden's URL.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Profile to sign the request with.")] = None,
) -> None:
    """Deny everything to the role's sessions issued before now (inline policy AWSRevokeOlderSessions)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        cutoff = revoke_sessions(role_name, profile=profile, endpoint_url=endpoint_url)
    except ClientError as error:
        detail = error.response.get("Error", {})
        error_console.print(f"[bold red]error:[/] {detail.get('Code', 'Error')}: {detail.get('Message', '')}")
        raise typer.Exit(1) from None
    except (BotoCoreError, ValueError) as error:
        error_console.print(f"[bold red]error:[/] {error}")
        raise typer.Exit(1) from None
    stamp = cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")
    error_console.print(f"Sessions of role {role_name} issued before {stamp} are now denied ({POLICY_NAME}).")
    typer.echo(stamp)


def register(app: typer.Typer) -> None:
    app.add_typer(roles_app, name="roles")
