"""AssumeRole session tags, transitive tags in role chains, and SourceIdentity.

https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sts_support import ACCOUNT, allow, make_role, session_caller, sts_harness, trust, user

from harness import Harness
from warden.errors import AccessDenied, InvalidParameterValue

TEAM_BLUE = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return sts_harness(tmp_path)


def _alice(h: Harness) -> str:
    user(h, "alice", allow("sts:AssumeRole"), allow("sts:TagSession"), allow("sts:SetSourceIdentity"))
    return f"arn:aws:iam::{ACCOUNT}:user/alice"


def test_session_tags_become_principal_tags_and_override_role_tags(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html (session tags override
    role tags with the same key, case-insensitively)"""
    alice_arn = _alice(h)
    role = make_role(h, "tagged", trust(alice_arn, "sts:AssumeRole", "sts:TagSession"),
                     allow("iam:ListUsers", condition=TEAM_BLUE),
                     Tags=[{"Key": "Team", "Value": "red"}, {"Key": "dept", "Value": "ops"}])
    alice = h.user_caller("alice")
    answer = h.call("AssumeRole", {"RoleArn": role, "RoleSessionName": "s1", "Tags": [{"Key": "team", "Value": "blue"}]},
                    caller=alice, service="sts")
    assert answer["PackedPolicySize"] >= 1
    session = session_caller(h, answer)
    assert dict(session.tags) == {"team": "blue", "dept": "ops"}
    h.call("ListUsers", {}, caller=session)
    red = h.call("AssumeRole", {"RoleArn": role, "RoleSessionName": "s1"}, caller=alice, service="sts")
    with pytest.raises(AccessDenied):
        h.call("ListUsers", {}, caller=session_caller(h, red))


def test_tags_need_sts_tag_session_in_the_trust_policy(h: Harness) -> None:
    alice_arn = _alice(h)
    role = make_role(h, "untagged", trust(alice_arn, "sts:AssumeRole"))
    params = {"RoleArn": role, "RoleSessionName": "s1", "Tags": [{"Key": "team", "Value": "blue"}]}
    with pytest.raises(AccessDenied, match="sts:TagSession"):
        h.call("AssumeRole", params, caller=h.user_caller("alice"), service="sts")
    assert h.call("AssumeRole", {"RoleArn": role, "RoleSessionName": "s1"}, caller=h.user_caller("alice"), service="sts")


def test_trust_policy_conditions_see_request_tags(h: Harness) -> None:
    alice_arn = _alice(h)
    condition = {"StringEquals": {"aws:RequestTag/team": "blue"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}
    trust_policy = '{"Version":"2012-10-17","Statement":[' \
        f'{{"Effect":"Allow","Principal":{{"AWS":"{alice_arn}"}},"Action":"sts:AssumeRole"}},' \
        f'{{"Effect":"Allow","Principal":{{"AWS":"{alice_arn}"}},"Action":"sts:TagSession","Condition":' \
        + __import__("json").dumps(condition) + "}]}"
    role = make_role(h, "conditional", trust_policy)
    alice = h.user_caller("alice")
    ok = {"RoleArn": role, "RoleSessionName": "s1", "Tags": [{"Key": "team", "Value": "blue"}]}
    assert h.call("AssumeRole", ok, caller=alice, service="sts")
    for tags in ([{"Key": "team", "Value": "red"}], [{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "1"}]):
        with pytest.raises(AccessDenied):
            h.call("AssumeRole", {**ok, "Tags": tags}, caller=alice, service="sts")


def test_invalid_tag_combinations_get_aws_errors(h: Harness) -> None:
    alice_arn = _alice(h)
    role = make_role(h, "r", trust(alice_arn, "sts:AssumeRole", "sts:TagSession"))
    alice = h.user_caller("alice")
    base = {"RoleArn": role, "RoleSessionName": "s1"}
    with pytest.raises(InvalidParameterValue) as caught:
        h.call("AssumeRole", {**base, "Tags": [{"Key": "a", "Value": "1"}, {"Key": "A", "Value": "2"}]},
               caller=alice, service="sts")
    assert caught.value.message == "Duplicate tag keys found. Please note that Tag keys are case insensitive."
    with pytest.raises(InvalidParameterValue) as caught:
        h.call("AssumeRole", {**base, "Tags": [{"Key": "a", "Value": "1"}], "TransitiveTagKeys": ["b"]},
               caller=alice, service="sts")
    assert caught.value.message == "The specified transitive tag key must be included in the requested tags."


def test_transitive_tags_survive_a_chain_and_cannot_be_overridden(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_role-chaining"""
    alice_arn = _alice(h)
    first = make_role(h, "first", trust(alice_arn, "sts:AssumeRole", "sts:TagSession"), allow("sts:*"))
    first_session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/first/hop"
    second = make_role(h, "second", trust(first_session_arn, "sts:AssumeRole", "sts:TagSession"),
                       allow("iam:ListUsers", condition=TEAM_BLUE))
    hop = h.call("AssumeRole", {"RoleArn": first, "RoleSessionName": "hop",
                                "Tags": [{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "7"}],
                                "TransitiveTagKeys": ["team"]}, caller=h.user_caller("alice"), service="sts")
    hop_caller = session_caller(h, hop)
    assert hop_caller.transitive_tag_keys == ("team",)
    chained = h.call("AssumeRole", {"RoleArn": second, "RoleSessionName": "two"}, caller=hop_caller, service="sts")
    chained_caller = session_caller(h, chained)
    assert dict(chained_caller.tags) == {"team": "blue"}  # "cost" was not transitive
    assert chained_caller.transitive_tag_keys == ("team",)
    h.call("ListUsers", {}, caller=chained_caller)
    with pytest.raises(InvalidParameterValue) as caught:
        h.call("AssumeRole", {"RoleArn": second, "RoleSessionName": "two", "Tags": [{"Key": "TEAM", "Value": "red"}]},
               caller=hop_caller, service="sts")
    assert "conflicts with a transitive tag key from the calling session" in caught.value.message
    no_tag_session = make_role(h, "third", trust(first_session_arn, "sts:AssumeRole"))
    with pytest.raises(AccessDenied, match="sts:TagSession"):
        h.call("AssumeRole", {"RoleArn": no_tag_session, "RoleSessionName": "x1"}, caller=hop_caller, service="sts")


def test_source_identity_needs_permission_and_cannot_change(h: Harness) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html"""
    alice_arn = _alice(h)
    alice = h.user_caller("alice")
    plain = make_role(h, "plain", trust(alice_arn, "sts:AssumeRole"))
    with pytest.raises(AccessDenied, match="sts:SetSourceIdentity"):
        h.call("AssumeRole", {"RoleArn": plain, "RoleSessionName": "s1", "SourceIdentity": "alice"},
               caller=alice, service="sts")
    first = make_role(h, "first", trust(alice_arn, "sts:AssumeRole", "sts:SetSourceIdentity"), allow("sts:*"))
    hop = h.call("AssumeRole", {"RoleArn": first, "RoleSessionName": "hop", "SourceIdentity": "alice"},
                 caller=alice, service="sts")
    assert hop["SourceIdentity"] == "alice"
    hop_caller = session_caller(h, hop)
    second = make_role(h, "second", trust(f"arn:aws:sts::{ACCOUNT}:assumed-role/first/hop",
                                          "sts:AssumeRole", "sts:SetSourceIdentity"))
    with pytest.raises(AccessDenied, match="SourceIdentity cannot be changed"):
        h.call("AssumeRole", {"RoleArn": second, "RoleSessionName": "two", "SourceIdentity": "mallory"},
               caller=hop_caller, service="sts")
    kept = h.call("AssumeRole", {"RoleArn": second, "RoleSessionName": "two"}, caller=hop_caller, service="sts")
    assert kept["SourceIdentity"] == "alice"
    assert session_caller(h, kept).source_identity == "alice"


def test_tag_limits_and_packed_size(h: Harness) -> None:
    """At most 50 session tags; tags share the packed limit with session policies
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html)."""
    from warden.errors import PackedPolicyTooLarge, ValidationError

    alice_arn = _alice(h)
    role = make_role(h, "r", trust(alice_arn, "sts:AssumeRole", "sts:TagSession"))
    alice = h.user_caller("alice")
    base = {"RoleArn": role, "RoleSessionName": "s1"}
    with pytest.raises(ValidationError):
        h.call("AssumeRole", {**base, "Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]},
               caller=alice, service="sts")
    big = [{"Key": f"k{i:02d}" + "x" * 100, "Value": "v" * 200} for i in range(20)]
    with pytest.raises(PackedPolicyTooLarge, match=r"Packed policy consumes \d+% of allotted space"):
        h.call("AssumeRole", {**base, "Tags": big}, caller=alice, service="sts")
    small = h.call("AssumeRole", {**base, "Tags": big[:2]}, caller=alice, service="sts")
    assert 1 <= small["PackedPolicySize"] <= 100
