"""The alert rules warden ships, on by default; each can be disabled by name.

What each one watches and why (the names are stable: the rules file refers to them):

- root-user-activity: any call made by the root user. Calls AWS services make on the root user's
  behalf (`userIdentity.invokedBy` present) and `AwsServiceEvent` records are left out, as in the
  CIS AWS Foundations benchmark's root-usage metric filter; failed calls are kept, since a failed
  attempt with root credentials is itself worth a look.
- admin-policy-created: a policy document that allows Action "*" on Resource "*" was stored
  (CreatePolicy, CreatePolicyVersion, Put{User,Group,Role}Policy). Plain patterns cannot look
  inside the JSON text of a policy, so a predicate parses it. A Condition does not silence it.
- admin-policy-attached: AdministratorAccess was attached to a user, group or role.
- mfa-deactivated: DeactivateMFADevice or DeleteVirtualMFADevice succeeded.
- root-access-key-created: CreateAccessKey by the root user for itself (no userName parameter).
- sign-in-failure-burst: 5 failed console sign-ins within 60 seconds from one principal or address.
- access-denied-burst: 5 AccessDenied answers within 60 seconds to one principal or address.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .burst import BurstSpec
from .patterns import compile_pattern
from .rules import AlertRule, LogTarget

__all__ = ["DEFAULT_RULES", "allows_everything", "default_rules"]

_SUCCEEDED = [{"exists": False}]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statement_allows_everything(statement: Any) -> bool:
    if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
        return False
    actions = _as_list(statement.get("Action"))
    resources = _as_list(statement.get("Resource"))
    return any(a in ("*", "*:*") for a in actions) and "*" in resources


def allows_everything(document: Any) -> bool:
    """True when a policy document (JSON text or parsed) has an Allow statement for * on *."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return False
    if not isinstance(document, Mapping):
        return False
    return any(_statement_allows_everything(s) for s in _as_list(document.get("Statement")))


def _policy_document_allows_everything(record: Mapping[str, Any]) -> bool:
    parameters = record.get("requestParameters")
    return isinstance(parameters, Mapping) and allows_everything(parameters.get("policyDocument"))


_BURST_KEYS = ("userIdentity.arn", "sourceIPAddress")


def default_rules() -> tuple[AlertRule, ...]:
    """Fresh copies of the shipped rules, all enabled and logging to `warden.alerts`."""
    log = (LogTarget(),)
    return (
        AlertRule(
            name="root-user-activity",
            description="The root user made a call (not one made on its behalf by an AWS service).",
            pattern=compile_pattern(
                {
                    "userIdentity": {"type": ["Root"], "invokedBy": [{"exists": False}]},
                    "eventType": [{"anything-but": "AwsServiceEvent"}],
                }
            ),
            targets=log,
            builtin=True,
        ),
        AlertRule(
            name="admin-policy-created",
            description='A policy allowing Action "*" on Resource "*" was created or put inline.',
            pattern=compile_pattern(
                {
                    "eventSource": ["iam.amazonaws.com"],
                    "eventName": [
                        "CreatePolicy",
                        "CreatePolicyVersion",
                        "PutUserPolicy",
                        "PutGroupPolicy",
                        "PutRolePolicy",
                    ],
                    "errorCode": _SUCCEEDED,
                    "requestParameters": {"policyDocument": [{"exists": True}]},
                }
            ),
            targets=log,
            builtin=True,
            predicate=_policy_document_allows_everything,
        ),
        AlertRule(
            name="admin-policy-attached",
            description="The AdministratorAccess managed policy was attached to a user, group or role.",
            pattern=compile_pattern(
                {
                    "eventSource": ["iam.amazonaws.com"],
                    "eventName": ["AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy"],
                    "errorCode": _SUCCEEDED,
                    "requestParameters": {
                        "policyArn": [{"wildcard": "arn:*:iam::aws:policy/AdministratorAccess"}]
                    },
                }
            ),
            targets=log,
            builtin=True,
        ),
        AlertRule(
            name="mfa-deactivated",
            description="An MFA device was deactivated or a virtual MFA device deleted.",
            pattern=compile_pattern(
                {
                    "eventSource": ["iam.amazonaws.com"],
                    "eventName": ["DeactivateMFADevice", "DeleteVirtualMFADevice"],
                    "errorCode": _SUCCEEDED,
                }
            ),
            targets=log,
            builtin=True,
        ),
        AlertRule(
            name="root-access-key-created",
            description="The root user created an access key for itself.",
            pattern=compile_pattern(
                {
                    "eventSource": ["iam.amazonaws.com"],
                    "eventName": ["CreateAccessKey"],
                    "errorCode": _SUCCEEDED,
                    "userIdentity": {"type": ["Root"]},
                    "requestParameters": {"userName": [{"exists": False}]},
                }
            ),
            targets=log,
            builtin=True,
        ),
        AlertRule(
            name="sign-in-failure-burst",
            description="5 or more failed console sign-ins within 60 seconds from one principal or address.",
            pattern=compile_pattern(
                {"eventName": ["ConsoleLogin"], "responseElements": {"ConsoleLogin": ["Failure"]}}
            ),
            targets=log,
            builtin=True,
            burst=BurstSpec(threshold=5, window_seconds=60, key_fields=_BURST_KEYS),
        ),
        AlertRule(
            name="access-denied-burst",
            description="5 or more AccessDenied answers within 60 seconds to one principal or address.",
            pattern=compile_pattern({"errorCode": ["AccessDenied", "AccessDeniedException"]}),
            targets=log,
            builtin=True,
            burst=BurstSpec(threshold=5, window_seconds=60, key_fields=_BURST_KEYS),
        ),
    )


DEFAULT_RULES = default_rules()
