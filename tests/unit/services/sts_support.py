"""Test support for the STS handler tests: a harness serving IAM and STS, roles with a given trust
policy, and the Caller a set of returned temporary credentials stands for."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness import Harness, make_harness
from warden.model import PrincipalKind
from warden.services import iam, sts
from warden.services.caller import Caller
from warden.services.sessions import caller_from_token

ACCOUNT = "111122223333"


def sts_harness(tmp_path: Path) -> Harness:
    return make_harness(tmp_path, {"iam": iam.HANDLERS, "sts": sts.HANDLERS})


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal_arn: str, *actions: str, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": list(actions)}
    if condition:
        statement["Condition"] = condition
    return document(statement)


def make_role(h: Harness, name: str, trust_policy: str, *statements: dict[str, Any], **extra: Any) -> str:
    arn = str(h.call("CreateRole", {"RoleName": name, "AssumeRolePolicyDocument": trust_policy, **extra})["Role"]["Arn"])
    if statements:
        h.call("PutRolePolicy", {"RoleName": name, "PolicyName": "p", "PolicyDocument": document(*statements)})
    return arn


def user(h: Harness, name: str, *statements: dict[str, Any]) -> Caller:
    h.call("CreateUser", {"UserName": name})
    if statements:
        with h.store.transaction() as tx:
            tx.put_inline_policy(h.account_id, PrincipalKind.USER, name, "grant", document(*statements))
        h.feed.bump()
    return h.user_caller(name)


def session_caller(h: Harness, answer: Mapping[str, Any]) -> Caller:
    """The caller a client signing with `answer["Credentials"]` is authenticated as."""
    credentials = answer["Credentials"]
    _, caller = caller_from_token(credentials["AccessKeyId"], credentials["SessionToken"], h.env.tokens, h.now)
    return caller


def allow(action: str, resource: str = "*", condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement
