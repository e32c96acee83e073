"""GetFederationToken: who may call it, the federated user's identity, and its permissions (the
calling user's policies intersected with the session policies).

https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sts_support import ACCOUNT, allow, document, make_role, session_caller, sts_harness, trust, user

from harness import Harness
from warden.errors import AccessDenied, MalformedPolicyDocument, ValidationError
from warden.services.call import RequestMeta
from warden.services.caller import CallerKind

FEDERATED = f"arn:aws:sts::{ACCOUNT}:federated-user/"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return sts_harness(tmp_path)


def _decide(h: Harness, caller: object, action: str, resource: str = "*") -> str:
    """The engine's decision for `caller` on an action outside IAM and STS."""
    from warden.services.call import Call

    meta = RequestMeta("r", h.now, "198.51.100.7", "tests", False, "us-east-1")
    with h.store.transaction(readonly=True) as tx:
        call = Call(caller=caller, meta=meta, tx=tx, services=h.env)  # type: ignore[arg-type]
        return h.env.authorizer.decide(call, action, resource, {}, None).outcome.value


def test_federated_user_identity_and_caller_identity(h: Harness) -> None:
    bob = user(h, "bob", allow("sts:GetFederationToken"), allow("s3:*"))
    answer = h.call("GetFederationToken", {"Name": "carol", "Policy": document(allow("s3:GetObject"))},
                    caller=bob, service="sts")
    assert answer["FederatedUser"] == {"FederatedUserId": f"{ACCOUNT}:carol", "Arn": FEDERATED + "carol"}
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    assert 1 <= answer["PackedPolicySize"] <= 100
    assert (answer["Credentials"]["Expiration"] - h.now).total_seconds() == 43200
    carol = session_caller(h, answer)
    assert carol.kind is CallerKind.FEDERATED_USER
    identity = h.call("GetCallerIdentity", {}, caller=carol, service="sts")
    assert identity == {"UserId": f"{ACCOUNT}:carol", "Account": ACCOUNT, "Arn": FEDERATED + "carol"}


def test_permissions_are_the_intersection_with_the_session_policy(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    bob = user(h, "bob", allow("sts:GetFederationToken"), allow("s3:*"))
    narrowed = session_caller(h, h.call("GetFederationToken", {
        "Name": "carol", "Policy": document(allow("s3:GetObject"), allow("ec2:*"))}, caller=bob, service="sts"))
    assert _decide(h, narrowed, "s3:GetObject") == "allowed"
    assert _decide(h, narrowed, "s3:PutObject") == "implicitDeny"  # the session policy does not allow it
    assert _decide(h, narrowed, "ec2:RunInstances") == "implicitDeny"  # bob's policies do not allow it
    bare = session_caller(h, h.call("GetFederationToken", {"Name": "dave"}, caller=bob, service="sts"))
    assert _decide(h, bare, "s3:GetObject") == "implicitDeny"  # no session policy: no permissions


def test_federated_users_cannot_call_iam_or_sts(h: Harness) -> None:
    """AWS: these credentials cannot call IAM operations, nor STS operations but GetCallerIdentity."""
    bob = user(h, "bob", allow("*"))
    carol = session_caller(h, h.call("GetFederationToken", {"Name": "carol", "Policy": document(allow("*"))},
                                     caller=bob, service="sts"))
    with pytest.raises(AccessDenied, match=f"User: {FEDERATED}carol is not authorized to perform: iam:ListUsers"):
        h.call("ListUsers", {}, caller=carol)
    with pytest.raises(AccessDenied, match="Cannot call GetFederationToken with session credentials"):
        h.call("GetFederationToken", {"Name": "again"}, caller=carol, service="sts")


def test_only_long_term_credentials_may_federate(h: Harness) -> None:
    bob = user(h, "bob", allow("sts:*"))
    role = make_role(h, "r", trust(f"arn:aws:iam::{ACCOUNT}:user/bob", "sts:AssumeRole"), allow("sts:*"))
    session = session_caller(h, h.call("AssumeRole", {"RoleArn": role, "RoleSessionName": "s1"},
                                       caller=bob, service="sts"))
    with pytest.raises(AccessDenied) as caught:
        h.call("GetFederationToken", {"Name": "carol"}, caller=session, service="sts")
    assert caught.value.message == "Cannot call GetFederationToken with session credentials"


def test_authorization_name_and_duration(h: Harness) -> None:
    nobody = user(h, "nobody")
    with pytest.raises(AccessDenied) as caught:
        h.call("GetFederationToken", {"Name": "carol"}, caller=nobody, service="sts")
    assert caught.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: sts:GetFederationToken on "
        f"resource: {FEDERATED}carol because no identity-based policy allows the sts:GetFederationToken action")
    for bad in ({"Name": "c"}, {"Name": "carol!"}, {"Name": "carol", "DurationSeconds": 899},
                {"Name": "carol", "DurationSeconds": 129601}):
        with pytest.raises(ValidationError):
            h.call("GetFederationToken", bad, caller=h.root, service="sts")
    root_answer = h.call("GetFederationToken", {"Name": "ops", "DurationSeconds": 7200}, caller=h.root, service="sts")
    assert (root_answer["Credentials"]["Expiration"] - h.now).total_seconds() == 3600


def test_federation_session_tags(h: Harness) -> None:
    bob = user(h, "bob", allow("sts:GetFederationToken"), allow("s3:*"))
    with pytest.raises(AccessDenied, match="sts:TagSession"):
        h.call("GetFederationToken", {"Name": "carol", "Tags": [{"Key": "team", "Value": "blue"}]},
               caller=bob, service="sts")
    tagger = user(h, "tagger", allow("sts:GetFederationToken"), allow("sts:TagSession"),
                  allow("s3:*", condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}))
    answer = h.call("GetFederationToken", {"Name": "carol", "Tags": [{"Key": "team", "Value": "blue"}],
                                           "Policy": document(allow("s3:*"))}, caller=tagger, service="sts")
    carol = session_caller(h, answer)
    assert dict(carol.tags) == {"team": "blue"}
    assert _decide(h, carol, "s3:GetObject") == "allowed"


def test_root_federation_is_bounded_by_the_session_policy(h: Harness) -> None:
    fed = session_caller(h, h.call("GetFederationToken", {"Name": "ops", "Policy": document(allow("s3:GetObject"))},
                                   service="sts"))
    assert fed.name is None
    assert _decide(h, fed, "s3:GetObject") == "allowed"
    assert _decide(h, fed, "s3:PutObject") == "implicitDeny"


def test_a_session_policy_with_an_unreadable_condition_value_is_malformed(h: Harness) -> None:
    """Refused when the session is asked for, not on the session's every later request."""
    bob = user(h, "bob", allow("sts:GetFederationToken"), allow("s3:*"))
    bad = document(allow("s3:*", condition={"DateGreaterThan": {"aws:CurrentTime": "yesterday"}}))
    with pytest.raises(MalformedPolicyDocument, match="^Invalid Condition value 'yesterday' for DateGreaterThan"):
        h.call("GetFederationToken", {"Name": "carol", "Policy": bad}, caller=bob, service="sts")
