"""Test support for the role, instance-profile and service-linked role handler tests: a harness
with those handlers (plus CreateUser, to have callers) and a way to grant a user a policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness import Harness, make_harness
from warden.model import PrincipalKind
from warden.services.caller import Caller
from warden.services.iam import instance_profiles, roles, service_linked_roles, users

ACCOUNT = "111122223333"
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def role_harness(tmp_path: Path) -> Harness:
    handlers: dict[str, Any] = {
        **users.HANDLERS,
        **roles.HANDLERS,
        **instance_profiles.HANDLERS,
        **service_linked_roles.HANDLERS,
    }
    return make_harness(tmp_path, {"iam": handlers})


def create_role(h: Harness, name: str, **extra: Any) -> dict[str, Any]:
    params = {"RoleName": name, "AssumeRolePolicyDocument": json.dumps(EC2_TRUST), **extra}
    return dict(h.call("CreateRole", params)["Role"])


def user_with_policy(h: Harness, name: str, *statements: dict[str, Any]) -> Caller:
    """A user whose only permissions are `statements` (none at all when empty)."""
    h.call("CreateUser", {"UserName": name})
    if statements:
        document = {"Version": "2012-10-17", "Statement": list(statements)}
        with h.store.transaction() as tx:
            tx.put_inline_policy(h.account_id, PrincipalKind.USER, name, "grant", json.dumps(document))
        h.feed.bump()
    return h.user_caller(name)


def allow(action: str, resource: str = "*", condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def denial(user: str, action: str, resource: str) -> str:
    """AWS's message when no identity-based policy allows the action."""
    return (
        f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: {action} on resource: "
        f"{resource} because no identity-based policy allows the {action} action"
    )
