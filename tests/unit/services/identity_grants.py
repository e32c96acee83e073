"""Test support for the groups, access-key, login-profile and tagging handler tests: a harness
with those handlers plus the users example, and a way to give a user an identity policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness import Harness, make_harness
from warden.model import PrincipalKind
from warden.services.iam import access_keys, groups, login_profiles, tagging, users


def identity_harness(tmp_path: Path) -> Harness:
    handlers: dict[str, Any] = {
        **users.HANDLERS,
        **groups.HANDLERS,
        **access_keys.HANDLERS,
        **login_profiles.HANDLERS,
        **tagging.HANDLERS,
    }
    return make_harness(tmp_path, {"iam": handlers})


def grant(h: Harness, user: str, *statements: dict[str, Any], name: str = "grant") -> None:
    """Put an inline policy on `user` and tell the authorizer, as the policy handlers would."""
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    with h.store.transaction() as tx:
        tx.put_inline_policy(h.account_id, PrincipalKind.USER, user, name, json.dumps(document))
    h.feed.bump()


def allow(action: str, resource: str = "*", condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def denial(user_arn: str, action: str, resource: str) -> str:
    """AWS's message when no identity-based policy allows the action."""
    return (
        f"User: {user_arn} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )
