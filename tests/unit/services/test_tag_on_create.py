"""Creating an IAM entity with tags needs the matching Tag* permission too.

AWS's example policy for creating users only with given tags allows both iam:CreateUser and
iam:TagUser under the same tag conditions:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam-new-user-tag.html
AWS refuses a tagged CreateRole or CreateInstanceProfile to a caller allowed only the Create action,
naming the Tag* action and the new entity's ARN ("... is not authorized to perform:
iam:TagInstanceProfile on resource: arn:aws:iam::ACCOUNT:instance-profile/NAME because no
identity-based policy allows the iam:TagInstanceProfile action", openshift/installer#7843; the
same for iam:TagRole in openshift/installer#1073).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from identity_grants import allow, denial, grant

from harness import ACCOUNT_ID, Harness, make_harness
from warden.errors import AccessDenied
from warden.services import iam

ARN = f"arn:aws:iam::{ACCOUNT_ID}"
ALICE = f"{ARN}:user/alice"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)
DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
TAGS = [{"Key": "team", "Value": "eng"}]

# (operation, request without tags, Create* action, Tag* action, the new entity's ARN)
CREATES: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("CreateUser", {"UserName": "bob", "Path": "/eng/"}, "iam:CreateUser", "iam:TagUser", f"{ARN}:user/eng/bob"),
    (
        "CreateRole",
        {"RoleName": "app", "AssumeRolePolicyDocument": TRUST},
        "iam:CreateRole",
        "iam:TagRole",
        f"{ARN}:role/app",
    ),
    (
        "CreatePolicy",
        {"PolicyName": "p", "PolicyDocument": DOCUMENT},
        "iam:CreatePolicy",
        "iam:TagPolicy",
        f"{ARN}:policy/p",
    ),
    (
        "CreateInstanceProfile",
        {"InstanceProfileName": "web"},
        "iam:CreateInstanceProfile",
        "iam:TagInstanceProfile",
        f"{ARN}:instance-profile/web",
    ),
    (
        "CreateVirtualMFADevice",
        {"VirtualMFADeviceName": "phone"},
        "iam:CreateVirtualMFADevice",
        "iam:TagMFADevice",
        f"{ARN}:mfa/phone",
    ),
]
IDS = [create[0] for create in CREATES]


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS})
    harness.call("CreateUser", {"UserName": "alice"})
    return harness


@pytest.mark.parametrize(("operation", "params", "create", "tag", "arn"), CREATES, ids=IDS)
def test_create_with_tags_needs_the_tag_action_on_the_new_entity(
    h: Harness, operation: str, params: dict[str, Any], create: str, tag: str, arn: str
) -> None:
    grant(h, "alice", allow(create))
    alice = h.user_caller("alice")
    with pytest.raises(AccessDenied) as denied:
        h.call(operation, {**params, "Tags": TAGS}, caller=alice)
    assert denied.value.message == denial(ALICE, tag, arn)


@pytest.mark.parametrize(("operation", "params", "create", "tag", "arn"), CREATES, ids=IDS)
def test_create_without_tags_needs_only_the_create_action(
    h: Harness, operation: str, params: dict[str, Any], create: str, tag: str, arn: str
) -> None:
    grant(h, "alice", allow(create))
    h.call(operation, params, caller=h.user_caller("alice"))


@pytest.mark.parametrize(("operation", "params", "create", "tag", "arn"), CREATES, ids=IDS)
def test_the_tag_action_sees_the_request_tags(
    h: Harness, operation: str, params: dict[str, Any], create: str, tag: str, arn: str
) -> None:
    """The Tag* check carries the request's tags as aws:RequestTag/* and aws:TagKeys."""
    condition = {
        "StringEquals": {"aws:RequestTag/team": "eng"},
        "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
    }
    grant(h, "alice", allow(create), allow(tag, arn, condition))
    alice = h.user_caller("alice")
    with pytest.raises(AccessDenied) as denied:
        h.call(operation, {**params, "Tags": [{"Key": "team", "Value": "ops"}]}, caller=alice)
    assert denied.value.message == denial(ALICE, tag, arn)
    with pytest.raises(AccessDenied):
        h.call(operation, {**params, "Tags": [*TAGS, {"Key": "cost", "Value": "1"}]}, caller=alice)
    h.call(operation, {**params, "Tags": TAGS}, caller=alice)
