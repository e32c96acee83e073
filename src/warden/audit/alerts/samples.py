"""Sample CloudTrail-shaped records, one per shipped rule, for `warden alerts test`.

They carry documentation-example account ids and addresses only (TEST-NET, 111122223333).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["GENERIC_SAMPLE", "sample_event"]

_ACCOUNT = "111122223333"
_ROOT = {
    "type": "Root",
    "principalId": _ACCOUNT,
    "arn": f"arn:aws:iam::{_ACCOUNT}:root",
    "accountId": _ACCOUNT,
}
_ALICE = {
    "type": "IAMUser",
    "principalId": "AIDAEXAMPLEALICE0001",
    "arn": f"arn:aws:iam::{_ACCOUNT}:user/alice",
    "accountId": _ACCOUNT,
    "userName": "alice",
}


def _record(event_name: str, identity: dict[str, Any], **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": "2026-01-01T12:00:00Z",
        "eventSource": "iam.amazonaws.com",
        "eventName": event_name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "warden-alerts-test",
        "requestParameters": None,
        "responseElements": None,
        "requestID": "00000000-0000-0000-0000-000000000000",
        "eventID": "00000000-0000-0000-0000-000000000001",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": _ACCOUNT,
    }
    record.update(fields)
    return record


_ADMIN_DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)

GENERIC_SAMPLE = _record("CreateUser", _ALICE, requestParameters={"userName": "bob"})

_SAMPLES: dict[str, dict[str, Any]] = {
    "root-user-activity": _record("ListUsers", _ROOT, readOnly=True),
    "admin-policy-created": _record(
        "CreatePolicy",
        _ALICE,
        requestParameters={"policyName": "everything", "policyDocument": _ADMIN_DOCUMENT},
    ),
    "admin-policy-attached": _record(
        "AttachUserPolicy",
        _ALICE,
        requestParameters={"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    ),
    "mfa-deactivated": _record(
        "DeactivateMFADevice",
        _ALICE,
        requestParameters={"userName": "alice", "serialNumber": f"arn:aws:iam::{_ACCOUNT}:mfa/alice"},
    ),
    "root-access-key-created": _record("CreateAccessKey", _ROOT),
    "sign-in-failure-burst": _record(
        "ConsoleLogin",
        {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEALICE0001",
            "accountId": _ACCOUNT,
            "userName": "alice",
        },
        eventSource="signin.amazonaws.com",
        eventType="AwsConsoleSignIn",
        responseElements={"ConsoleLogin": "Failure"},
        errorMessage="Failed authentication",
    ),
    "access-denied-burst": _record(
        "CreateUser",
        _ALICE,
        requestParameters={"userName": "mallory"},
        errorCode="AccessDenied",
        errorMessage=f"User: arn:aws:iam::{_ACCOUNT}:user/alice is not authorized to perform: iam:CreateUser",
    ),
}


def sample_event(rule_name: str) -> dict[str, Any]:
    """A fresh sample record for a shipped rule, or a plain CreateUser record for any other rule."""
    copy: dict[str, Any] = json.loads(json.dumps(_SAMPLES.get(rule_name, GENERIC_SAMPLE)))
    return copy
