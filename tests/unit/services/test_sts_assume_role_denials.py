"""How AssumeRole refuses: the root user, and callers the policies do not let into the role.

https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sts_support import ACCOUNT, allow, make_role, sts_harness, trust, user

from harness import Harness
from warden.errors import AccessDenied


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return sts_harness(tmp_path)


def _assume(h: Harness, role_arn: str, caller_name: str | None = None, **extra: object) -> object:
    caller = h.user_caller(caller_name) if caller_name else h.root
    params = {"RoleArn": role_arn, "RoleSessionName": "s1", **extra}
    return h.call("AssumeRole", params, caller=caller, service="sts")


def test_the_root_user_is_refused_with_stss_own_text(h: Harness) -> None:
    """The API reference: "You cannot use Amazon Web Services account root user credentials to
    call AssumeRole." STS answers AccessDenied "Roles may not be assumed by root accounts.", as
    recorded from AWS in https://github.com/kubeflow/testing/pull/961 (not the generic
    "User: ... is not authorized" text), even when the trust policy names the account."""
    role = make_role(h, "open", trust(f"arn:aws:iam::{ACCOUNT}:root", "sts:AssumeRole"))
    with pytest.raises(AccessDenied) as refused:
        _assume(h, role)
    assert refused.value.message == "Roles may not be assumed by root accounts."
    with pytest.raises(AccessDenied) as missing:
        _assume(h, f"arn:aws:iam::{ACCOUNT}:role/absent")
    assert missing.value.message == "Roles may not be assumed by root accounts."


def test_an_implicit_denial_names_no_policy_type(h: Harness) -> None:
    """AWS's AssumeRole denials read "User: ARN is not authorized to perform: sts:AssumeRole on
    resource: ROLE-ARN" with no "because no ... policy allows" reason, whichever policy failed to
    allow (https://github.com/aws-actions/configure-aws-credentials/issues/1219,
    https://github.com/awslabs/consolidated-organizations-wide-cases-activity/issues/2,
    https://github.com/data-dot-all/dataall/pull/1873); sts:TagSession likewise."""
    user(h, "alice", allow("sts:AssumeRole"))
    user(h, "bob")
    alice = f"arn:aws:iam::{ACCOUNT}:user/alice"
    closed = make_role(h, "closed", trust(f"arn:aws:iam::{ACCOUNT}:user/bob", "sts:AssumeRole"))
    delegated = make_role(h, "delegated", trust(f"arn:aws:iam::{ACCOUNT}:root", "sts:AssumeRole"))
    absent = f"arn:aws:iam::{ACCOUNT}:role/absent"
    cases = [
        ("alice", closed),  # the trust policy does not allow
        ("bob", delegated),  # the trust policy delegates; no identity policy allows
        ("alice", absent),  # no such role
    ]
    for name, role in cases:
        with pytest.raises(AccessDenied) as denied:
            _assume(h, role, name)
        caller_arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
        assert denied.value.message == (
            f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role}"
        )
    tags = [{"Key": "team", "Value": "blue"}]
    untagged = make_role(h, "untagged", trust(alice, "sts:AssumeRole"))
    with pytest.raises(AccessDenied) as denied:
        _assume(h, untagged, "alice", Tags=tags)
    assert denied.value.message == (
        f"User: {alice} is not authorized to perform: sts:TagSession on resource: {untagged}"
    )


def test_an_explicit_denial_still_names_the_policy_type(h: Harness) -> None:
    """Only implicit denials lose the reason; an explicit deny keeps AWS's general form
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html)."""
    user(h, "carol", {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"})
    role = make_role(h, "open", trust(f"arn:aws:iam::{ACCOUNT}:user/carol", "sts:AssumeRole"))
    with pytest.raises(AccessDenied, match="with an explicit deny in an identity-based policy$"):
        _assume(h, role, "carol")
