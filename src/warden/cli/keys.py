"""`warden keys rotate USER`: rotate an IAM user's access key on a running warden, the AWS way.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html
AWS's procedure: create a second key, move every application to it, deactivate the old key,
check that nothing broke, then delete the old key. So:

    warden keys rotate alice                      # 1. new key, printed once; old key untouched
    warden keys rotate alice --finish             # 3. deactivate the older key
    warden keys rotate alice --finish --delete-old  # 4. delete it (only once it is inactive)

`--deactivate-old` or `--delete-old` without `--finish` do steps 1 and 3 (or 1 and 4) at once,
for when nothing else uses the old key. A user already holding two keys is refused at step 1,
naming both, since IAM allows two keys per user.

The command talks to warden with botocore, credentials and endpoint resolved as the AWS CLI
resolves them (environment, `--profile`, shared config's `endpoint_url`, or `--endpoint-url`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError

from warden.aws_client import aws_client
from warden.cli.output import error_console, wants_json, write_json

__all__ = ["register"]

keys_app = typer.Typer(help="Manage IAM access keys on a running warden.", no_args_is_help=True)

_MAX_KEYS = 2  # IAM's AccessKeysPerUserQuota


def _fail(message: str) -> typer.Exit:
    error_console.print(f"[red]{message}[/red]")
    return typer.Exit(1)


def _keys(iam: Any, user: str) -> list[dict[str, Any]]:
    """The user's keys, oldest first."""
    found = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    return sorted(found, key=lambda k: k["CreateDate"])


def _retire(iam: Any, user: str, old: dict[str, Any], delete: bool) -> str:
    key_id = old["AccessKeyId"]
    if delete:
        iam.delete_access_key(UserName=user, AccessKeyId=key_id)
        return f"Deleted the old key {key_id}."
    iam.update_access_key(UserName=user, AccessKeyId=key_id, Status="Inactive")
    return f"Deactivated the old key {key_id}; delete it with --finish --delete-old once nothing breaks."


def _start(iam: Any, user: str, deactivate_old: bool, delete_old: bool, as_json: bool) -> None:
    existing = _keys(iam, user)
    if len(existing) >= _MAX_KEYS:
        names = ", ".join(f"{k['AccessKeyId']} ({k['Status']})" for k in existing)
        raise _fail(
            f"User {user} already has two access keys: {names}. Finish the previous rotation "
            f"(--finish, then --finish --delete-old) or delete one first."
        )
    created = iam.create_access_key(UserName=user)["AccessKey"]
    notes = []
    if existing and (deactivate_old or delete_old):
        notes.append(_retire(iam, user, existing[0], delete_old))
    elif existing:
        notes.append(
            f"The old key {existing[0]['AccessKeyId']} is still active: move your applications to the new "
            f"key, then run `warden keys rotate {user} --finish`."
        )
    if wants_json(as_json):
        write_json(
            {
                "UserName": user,
                "AccessKeyId": created["AccessKeyId"],
                "SecretAccessKey": created["SecretAccessKey"],
                "OldAccessKeyId": existing[0]["AccessKeyId"] if existing else None,
                "Notes": notes,
            }
        )
    else:
        typer.echo(f"AccessKeyId:     {created['AccessKeyId']}")
        typer.echo(f"SecretAccessKey: {created['SecretAccessKey']}")
        error_console.print("The secret is shown only this once; store it now.")
    for note in notes:
        error_console.print(note)


def _finish(iam: Any, user: str, delete_old: bool, as_json: bool) -> None:
    existing = _keys(iam, user)
    if len(existing) != _MAX_KEYS:
        raise _fail(
            f"User {user} has {len(existing)} access key(s); --finish expects the old and the new one."
        )
    old, new = existing
    if new["Status"] != "Active":
        raise _fail(
            f"The newer key {new['AccessKeyId']} is inactive; refusing to retire {old['AccessKeyId']}."
        )
    if delete_old and old["Status"] == "Active":
        raise _fail(
            f"The old key {old['AccessKeyId']} is still active: deactivate it first (--finish) and make "
            f"sure nothing fails, as AWS's rotation procedure advises."
        )
    if not delete_old and old["Status"] == "Inactive":
        note = f"The old key {old['AccessKeyId']} is already inactive; delete it with --finish --delete-old."
    else:
        note = _retire(iam, user, old, delete_old)
    if wants_json(as_json):
        write_json(
            {
                "UserName": user,
                "AccessKeyId": new["AccessKeyId"],
                "OldAccessKeyId": old["AccessKeyId"],
                "Notes": [note],
            }
        )
    else:
        typer.echo(note)


@keys_app.command("rotate")
def rotate(
    user: Annotated[str, typer.Argument(help="The IAM user whose key to rotate.")],
    finish: Annotated[
        bool, typer.Option("--finish", help="Retire the older of the user's two keys.")
    ] = False,
    deactivate_old: Annotated[
        bool,
        typer.Option("--deactivate-old", help="Deactivate the old key right after creating the new one."),
    ] = False,
    delete_old: Annotated[bool, typer.Option("--delete-old", help="Delete the old key instead.")] = False,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Profile of the shared AWS config.")
    ] = None,
    endpoint_url: Annotated[str | None, typer.Option("--endpoint-url", help="warden's URL.")] = None,
    region: Annotated[str | None, typer.Option("--region")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON even at a terminal.")] = False,
) -> None:
    """Create a new access key for USER (step 1), or retire the old one (--finish)."""
    try:
        iam = aws_client("iam", profile=profile, endpoint_url=endpoint_url, region=region)
        if finish:
            _finish(iam, user, delete_old, as_json)
        else:
            _start(iam, user, deactivate_old, delete_old, as_json)
    except ClientError as error:
        detail = error.response.get("Error", {})
        raise _fail(f"{detail.get('Code', 'Error')}: {detail.get('Message', '')}") from None
    except BotoCoreError as error:
        raise _fail(str(error)) from None


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
