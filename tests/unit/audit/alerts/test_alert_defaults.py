"""The shipped alert rules against CloudTrail-shaped records.

Record shapes follow the CloudTrail user guide:
- userIdentity (type Root, invokedBy): https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
- console sign-in (responseElements.ConsoleLogin "Failure", errorMessage "Failed authentication"):
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
- AwsServiceEvent: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from warden.audit.alerts.defaults import DEFAULT_RULES, allows_everything
from warden.audit.alerts.rules import AlertRule, LogTarget
from warden.audit.alerts.samples import GENERIC_SAMPLE, sample_event

RULES = {rule.name: rule for rule in DEFAULT_RULES}


def rule(name: str) -> AlertRule:
    return RULES[name]


def test_every_shipped_rule_is_enabled_logs_and_fires_on_its_sample() -> None:
    assert len(RULES) == 7
    for name, shipped in RULES.items():
        assert shipped.enabled and shipped.builtin and shipped.targets == (LogTarget(),)
        assert shipped.selects(sample_event(name)), name


def test_generic_sample_fires_no_shipped_rule() -> None:
    assert not any(r.selects(GENERIC_SAMPLE) for r in DEFAULT_RULES if r.burst is None)


def test_root_activity_skips_calls_made_on_roots_behalf_and_service_events() -> None:
    """userIdentity.invokedBy names the AWS service that made the call for the root user."""
    event = sample_event("root-user-activity")
    assert rule("root-user-activity").selects(event)
    on_behalf = {
        **event,
        "userIdentity": {**event["userIdentity"], "invokedBy": "cloudformation.amazonaws.com"},
    }
    assert not rule("root-user-activity").selects(on_behalf)
    assert not rule("root-user-activity").selects({**event, "eventType": "AwsServiceEvent"})
    failed = {**event, "errorCode": "AccessDenied"}
    assert rule("root-user-activity").selects(failed)  # a failed root attempt is worth seeing too
    assert not rule("root-user-activity").selects(GENERIC_SAMPLE)


@pytest.mark.parametrize(
    "document",
    [
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        {"Statement": {"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}},
        {"Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": "*"}]},
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                }
            ]
        },
    ],
)
def test_allows_everything_finds_star_on_star(document: dict[str, Any]) -> None:
    """Security Hub IAM.1 ("IAM policies should not allow full '*' administrative privileges"):
    https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html"""
    assert allows_everything(document) and allows_everything(json.dumps(document))


@pytest.mark.parametrize(
    "document",
    [
        {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"}]},
        {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]},
        "{not json",
        ["*"],
        None,
    ],
)
def test_allows_everything_ignores_narrower_documents(document: Any) -> None:
    assert not allows_everything(document)


@pytest.mark.parametrize(
    "event_name", ["CreatePolicy", "CreatePolicyVersion", "PutUserPolicy", "PutGroupPolicy", "PutRolePolicy"]
)
def test_admin_policy_created_on_each_write(event_name: str) -> None:
    event = {**sample_event("admin-policy-created"), "eventName": event_name}
    assert rule("admin-policy-created").selects(event)
    narrow = json.dumps({"Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}]})
    event["requestParameters"] = {**event["requestParameters"], "policyDocument": narrow}
    assert not rule("admin-policy-created").selects(event)


def test_admin_policy_created_ignores_failed_calls() -> None:
    event = {**sample_event("admin-policy-created"), "errorCode": "MalformedPolicyDocument"}
    assert not rule("admin-policy-created").selects(event)


@pytest.mark.parametrize("event_name", ["AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy"])
def test_administrator_access_attached(event_name: str) -> None:
    event = {**sample_event("admin-policy-attached"), "eventName": event_name}
    assert rule("admin-policy-attached").selects(event)
    china = {**event, "requestParameters": {"policyArn": "arn:aws-cn:iam::aws:policy/AdministratorAccess"}}
    assert rule("admin-policy-attached").selects(china)
    other = {**event, "requestParameters": {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}
    assert not rule("admin-policy-attached").selects(other)
    lookalike = {
        **event,
        "requestParameters": {"policyArn": "arn:aws:iam::111122223333:policy/AdministratorAccess"},
    }
    assert not rule("admin-policy-attached").selects(lookalike)


@pytest.mark.parametrize("event_name", ["DeactivateMFADevice", "DeleteVirtualMFADevice"])
def test_mfa_deactivated(event_name: str) -> None:
    event = {**sample_event("mfa-deactivated"), "eventName": event_name}
    assert rule("mfa-deactivated").selects(event)
    assert not rule("mfa-deactivated").selects({**event, "eventName": "EnableMFADevice"})
    assert not rule("mfa-deactivated").selects({**event, "errorCode": "NoSuchEntity"})


def test_root_access_key_only_for_root_itself() -> None:
    event = sample_event("root-access-key-created")
    assert rule("root-access-key-created").selects(event)  # requestParameters null: no userName
    assert rule("root-access-key-created").selects({**event, "requestParameters": {}})
    for_user = {**event, "requestParameters": {"userName": "alice"}}
    assert not rule("root-access-key-created").selects(for_user)
    by_user = {**event, "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"}}
    assert not rule("root-access-key-created").selects(by_user)


def test_burst_rules_select_the_right_failures() -> None:
    sign_in = sample_event("sign-in-failure-burst")
    assert rule("sign-in-failure-burst").selects(sign_in)
    ok = {**sign_in, "responseElements": {"ConsoleLogin": "Success"}}
    ok.pop("errorMessage")
    assert not rule("sign-in-failure-burst").selects(ok)
    denied = sample_event("access-denied-burst")
    assert rule("access-denied-burst").selects(denied)
    assert not rule("access-denied-burst").selects({**denied, "errorCode": "NoSuchEntity"})
    for name in ("sign-in-failure-burst", "access-denied-burst"):
        burst = rule(name).burst
        assert burst is not None and burst.threshold == 5 and burst.window_seconds == 60
