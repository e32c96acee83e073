"""AWS's evaluation logic, case by case (each test cites the page it follows)."""

from __future__ import annotations

from typing import Any

import pytest

from warden.policy import (
    PolicyKind,
    PolicySet,
    Request,
    compile_policy_set,
    decide,
    decide_reference,
    parse_policy,
)
from warden.policy.decision import Decision

ACCOUNT = "111122223333"
OTHER = "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s1"
BUCKET = "arn:aws:s3:::reports/q3.csv"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str = "s3:GetObject", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str = "s3:GetObject", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def run(
    principal: str = ALICE,
    action: str = "s3:GetObject",
    resource: str = BUCKET,
    *,
    identity: tuple[dict[str, Any], ...] = (),
    boundary: dict[str, Any] | None = None,
    session: dict[str, Any] | None = None,
    resource_policy: dict[str, Any] | None = None,
    scps: tuple[tuple[dict[str, Any], ...], ...] = (),
    rcps: tuple[tuple[dict[str, Any], ...], ...] = (),
    resource_account: str | None = None,
    context: dict[str, Any] | None = None,
) -> Decision:
    """Decide with the indexed engine in both modes and the reference; all must agree."""
    raw: dict[str, Any] = {"principal": principal, "action": action, "resource": resource}
    if resource_account:
        raw["resource_account"] = resource_account
    if context:
        raw["context"] = context
    request = Request.from_dict(raw)
    trust = request.is_trust_action
    policy_set = PolicySet(
        identity=tuple(parse_policy(d, PolicyKind.IDENTITY) for d in identity),
        permissions_boundary=None
        if boundary is None
        else parse_policy(boundary, PolicyKind.PERMISSIONS_BOUNDARY),
        session=None if session is None else parse_policy(session, PolicyKind.SESSION),
        resource=None
        if resource_policy is None
        else parse_policy(resource_policy, PolicyKind.TRUST if trust else PolicyKind.RESOURCE),
        scps=tuple(tuple(parse_policy(d, PolicyKind.SCP) for d in level) for level in scps),
        rcps=tuple(tuple(parse_policy(d, PolicyKind.RCP) for d in level) for level in rcps),
    )
    compiled = compile_policy_set(policy_set)
    full = decide(request, compiled, explain=True)
    fast = decide(request, compiled, explain=False)
    reference = decide_reference(request, policy_set)
    assert fast.outcome == full.outcome == reference.outcome
    assert full.matched == reference.matched
    return full


def outcome(**kwargs: Any) -> str:
    return run(**kwargs).outcome.value


def test_default_is_implicit_deny() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    assert outcome() == "implicitDeny"
    assert outcome(identity=(doc(allow("s3:PutObject")),)) == "implicitDeny"


def test_identity_allow_and_explicit_deny_wins() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    assert outcome(identity=(doc(allow("s3:Get*")),)) == "allowed"
    both = run(identity=(doc(allow("s3:*")), doc({**deny(), "Sid": "NoReads"})))
    assert both.outcome.value == "explicitDeny"
    assert "NoReads" in both.reason
    assert [m.policy_index for m in both.matched] == [0, 1]


def test_action_matching_is_case_insensitive_and_not_action() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"""
    assert outcome(action="S3:getobject", identity=(doc(allow("s3:GetObject")),)) == "allowed"
    not_action = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert outcome(identity=(doc(not_action),)) == "allowed"
    assert outcome(action="iam:CreateUser", identity=(doc(not_action),)) == "implicitDeny"


def test_not_resource_and_resource_variables() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    home = allow(resource="arn:aws:s3:::home/${aws:username}/*")
    assert outcome(resource="arn:aws:s3:::home/alice/a", identity=(doc(home),)) == "allowed"
    assert outcome(resource="arn:aws:s3:::home/bob/a", identity=(doc(home),)) == "implicitDeny"
    not_res = {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}
    assert outcome(identity=(doc(not_res),)) == "allowed"
    assert outcome(resource="arn:aws:s3:::secret/x", identity=(doc(not_res),)) == "implicitDeny"


def test_permissions_boundary_and_session_policy_intersect() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    ident = (doc(allow("s3:*")),)
    assert outcome(identity=ident, boundary=doc(allow("s3:GetObject"))) == "allowed"
    decision = run(identity=ident, boundary=doc(allow("s3:PutObject")))
    assert decision.outcome.value == "implicitDeny"
    assert "permissions boundary" in decision.reason
    assert decision.details is not None and decision.details["permissions_boundary"] == "implicitDeny"
    assert outcome(principal=SESSION, identity=ident, session=doc(allow("s3:List*"))) == "implicitDeny"
    assert outcome(principal=SESSION, identity=ident, session=doc(allow("s3:Get*"))) == "allowed"
    assert outcome(boundary=doc(allow("s3:*"))) == "implicitDeny"  # a boundary never grants


def test_scp_every_level_must_allow() -> None:
    """https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    full = doc(allow("*"))
    ident = (doc(allow("s3:*")),)
    assert outcome(identity=ident, scps=((full,), (full,))) == "allowed"
    decision = run(identity=ident, scps=((full,), (doc(allow("ec2:*")),)))
    assert decision.outcome.value == "implicitDeny"
    assert "service control policy" in decision.reason
    assert outcome(identity=ident, scps=((full, doc(deny("s3:*"))),)) == "explicitDeny"
    matched = run(identity=ident, scps=((full,), (doc(allow("ec2:*")), full))).matched
    assert [(m.policy_type, m.level, m.policy_index) for m in matched] == [
        ("identity", None, 0),
        ("scps", 0, 0),
        ("scps", 1, 1),
    ]


def test_scps_do_not_apply_to_service_linked_roles() -> None:
    """https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    linked = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForSupport/x"
    ident = (doc(allow("s3:*")),)
    scps = ((doc(deny("s3:*")),),)
    assert outcome(principal=linked, identity=ident, scps=scps) == "allowed"
    assert outcome(principal=SESSION, identity=ident, scps=scps) == "explicitDeny"
    with_path = {
        "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/support.amazonaws.com/app"
    }
    assert outcome(principal=SESSION, identity=ident, scps=scps, context=with_path) == "allowed"


def test_rcp_limits_resources_even_for_cross_account_grants() -> None:
    """https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html"""
    rcp_full = doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})
    rcp_deny = doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})
    grant = doc(allow(Principal={"AWS": ALICE}))
    assert outcome(resource_policy=grant, rcps=((rcp_full,),)) == "allowed"
    assert outcome(resource_policy=grant, rcps=((rcp_full,), (rcp_deny, rcp_full))) == "explicitDeny"
    assert outcome(
        resource_policy=grant, rcps=((doc({**rcp_full["Statement"][0], "Action": "ec2:*"}),),)
    ) == ("implicitDeny")


def test_same_account_resource_policy_naming_user_needs_no_identity_allow() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    grant = doc(allow(resource=BUCKET, Principal={"AWS": ALICE}, Sid="Direct"))
    decision = run(resource_policy=grant)
    assert decision.outcome.value == "allowed" and "Direct" in decision.reason
    # An implicit deny in the user's boundary does not limit a grant to the user ARN.
    assert outcome(resource_policy=grant, boundary=doc(allow("ec2:*"))) == "allowed"
    assert outcome(resource_policy=doc(allow(Principal="*"))) == "allowed"
    assert outcome(resource_policy=doc(deny(Principal="*")), identity=(doc(allow()),)) == "explicitDeny"


def test_resource_policy_naming_the_account_delegates_to_identity() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts"""
    for account in (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"):
        grant = doc(allow(Principal={"AWS": account}))
        assert outcome(resource_policy=grant) == "implicitDeny"
        assert outcome(resource_policy=grant, identity=(doc(allow()),)) == "allowed"


def test_role_arn_grant_is_limited_by_boundary_and_session_policy_but_session_grant_is_not() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    role_grant = doc(allow(Principal={"AWS": ROLE}))
    session_grant = doc(allow(Principal={"AWS": SESSION}))
    narrow = doc(allow("ec2:*"))
    assert outcome(principal=SESSION, resource_policy=role_grant) == "allowed"
    assert outcome(principal=SESSION, resource_policy=role_grant, session=narrow) == "implicitDeny"
    assert outcome(principal=SESSION, resource_policy=role_grant, boundary=narrow) == "implicitDeny"
    assert outcome(principal=SESSION, resource_policy=session_grant, session=narrow) == "allowed"
    assert outcome(principal=SESSION, resource_policy=session_grant, boundary=narrow) == "allowed"
    other_session = f"arn:aws:sts::{ACCOUNT}:assumed-role/other/s1"
    assert outcome(principal=other_session, resource_policy=role_grant) == "implicitDeny"


def test_cross_account_needs_both_sides() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    grant = doc(allow(Principal={"AWS": OTHER}))
    stranger = f"arn:aws:iam::{OTHER}:user/bob"
    assert outcome(principal=stranger, resource_policy=grant, resource_account=ACCOUNT) == "implicitDeny"
    assert outcome(principal=stranger, identity=(doc(allow()),), resource_account=ACCOUNT) == "implicitDeny"
    both = {"identity": (doc(allow()),), "resource_policy": grant, "resource_account": ACCOUNT}
    assert outcome(principal=stranger, **both) == "allowed"
    assert outcome(principal=stranger, boundary=doc(allow("ec2:*")), **both) == "implicitDeny"


def test_trust_policy_must_allow_role_assumption() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage-assume.html"""
    target = f"arn:aws:iam::{ACCOUNT}:role/admin"
    assume = allow("sts:AssumeRole")
    kwargs: dict[str, Any] = {"action": "sts:AssumeRole", "resource": target}
    assert outcome(identity=(doc(assume),), **kwargs) == "implicitDeny"
    via_account = doc({**assume, "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}})
    del via_account["Statement"][0]["Resource"]
    assert outcome(resource_policy=via_account, **kwargs) == "implicitDeny"
    assert outcome(resource_policy=via_account, identity=(doc(assume),), **kwargs) == "allowed"
    direct = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": ALICE}})
    assert outcome(resource_policy=direct, **kwargs) == "allowed"


def test_web_identity_and_service_principals() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    target = f"arn:aws:iam::{ACCOUNT}:role/web"
    trust = doc(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "accounts.google.com"},
        }
    )
    common: dict[str, Any] = {"action": "sts:AssumeRoleWithWebIdentity", "resource": target}
    assert outcome(principal="accounts.google.com", resource_policy=trust, **common) == "allowed"
    assert outcome(principal="graph.facebook.com", resource_policy=trust, **common) == "implicitDeny"
    queue = doc(allow("sqs:SendMessage", Principal={"Service": "sns.amazonaws.com"}))
    send = {"action": "sqs:SendMessage", "resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"}
    assert outcome(principal="sns.amazonaws.com", resource_policy=queue, **send) == "allowed"
    assert outcome(principal="events.amazonaws.com", resource_policy=queue, **send) == "implicitDeny"
    assert outcome(principal=ALICE, resource_policy=queue, **send) == "implicitDeny"


def test_root_user_is_not_limited_by_identity_policies() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html"""
    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert outcome(principal=root) == "allowed"
    assert outcome(principal=root, scps=((doc(allow("ec2:*")),),)) == "implicitDeny"
    assert outcome(principal=root, resource_policy=doc(deny(Principal={"AWS": ACCOUNT}))) == "explicitDeny"


def test_not_principal_deny_exempts_only_fully_listed_callers() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    root = f"arn:aws:iam::{ACCOUNT}:root"
    ident = (doc(allow()),)

    def guard(*names: str) -> dict[str, Any]:
        return doc(deny(NotPrincipal={"AWS": list(names)}))

    assert outcome(identity=ident, resource_policy=guard(ALICE, root)) == "allowed"
    assert outcome(identity=ident, resource_policy=guard(ALICE)) == "explicitDeny"
    assert outcome(identity=ident, resource_policy=guard(root)) == "explicitDeny"
    assert outcome(principal=SESSION, identity=ident, resource_policy=guard(SESSION, ROLE, root)) == "allowed"
    assert outcome(principal=SESSION, identity=ident, resource_policy=guard(SESSION, root)) == "explicitDeny"
    # With a permissions boundary attached, NotPrincipal + Deny always applies.
    boundary = doc(allow("s3:*"))
    assert outcome(identity=ident, boundary=boundary, resource_policy=guard(ALICE, root)) == "explicitDeny"


def test_conditions_and_missing_context_values() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"""
    conditional = allow(Condition={"StringEquals": {"aws:SourceVpc": "vpc-1", "aws:PrincipalTag/Team": "x"}})
    decision = run(identity=(doc(conditional),))
    assert decision.outcome.value == "implicitDeny"
    assert decision.missing_context_values == ("aws:PrincipalTag/Team", "aws:SourceVpc")
    ok = run(identity=(doc(conditional),), context={"aws:sourcevpc": "vpc-1", "AWS:PrincipalTag/team": "x"})
    assert ok.outcome.value == "allowed" and ok.missing_context_values == ()
    other_action = run(action="s3:PutObject", identity=(doc(conditional),))
    assert other_action.missing_context_values == ()


def test_details_report_each_type() -> None:
    """https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html"""
    decision = run(
        identity=(doc(allow()),), resource_policy=doc(deny(Principal="*")), scps=((doc(allow("*")),),)
    )
    assert decision.details == {
        "identity": "allowed",
        "permissions_boundary": None,
        "session": None,
        "resource": "explicitDeny",
        "scps": "allowed",
        "rcps": None,
    }


@pytest.mark.parametrize("principal", [ALICE, SESSION, f"arn:aws:sts::{ACCOUNT}:federated-user/fed"])
def test_direct_grants_for_each_principal_kind(principal: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert outcome(principal=principal, resource_policy=doc(allow(Principal={"AWS": principal}))) == "allowed"
