"""Callers and how Principal / NotPrincipal elements name them.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
"""

from __future__ import annotations

from warden.policy.ast import Position, PrincipalSpec
from warden.policy.principals import CallerKind, Grant, not_principal_applies, parse_caller, principal_grant

A = "111122223333"
POS = Position("")


def aws(*values: str) -> PrincipalSpec:
    return PrincipalSpec(False, (("AWS", values),), POS)


def test_parse_caller_kinds() -> None:
    assert parse_caller(f"arn:aws:iam::{A}:root").kind is CallerKind.ACCOUNT
    assert parse_caller(f"arn:aws:iam::{A}:user/p/q/bob").name == "bob"
    session = parse_caller(f"arn:aws:sts::{A}:assumed-role/r/s")
    assert session.kind is CallerKind.ASSUMED_ROLE and session.role_arns == (f"arn:aws:iam::{A}:role/r",)
    assert parse_caller(f"arn:aws:sts::{A}:federated-user/f").kind is CallerKind.FEDERATED_USER
    assert parse_caller("ec2.amazonaws.com").kind is CallerKind.SERVICE
    assert parse_caller("cognito-identity.amazonaws.com", web_identity=True).kind is CallerKind.WEB_IDENTITY
    saml = parse_caller(f"arn:aws:iam::{A}:saml-provider/corp")
    assert saml.kind is CallerKind.WEB_IDENTITY and not saml.is_iam


def test_role_path_from_principal_arn() -> None:
    caller = parse_caller(f"arn:aws:sts::{A}:assumed-role/r/s", principal_arn=f"arn:aws:iam::{A}:role/team/r")
    assert principal_grant(aws(f"arn:aws:iam::{A}:role/team/r"), caller) is Grant.ROLE
    assert principal_grant(aws(f"arn:aws:iam::{A}:role/r"), caller) is Grant.ROLE


def test_grant_strength() -> None:
    session = parse_caller(f"arn:aws:sts::{A}:assumed-role/r/s")
    assert principal_grant(aws(A), session) is Grant.ACCOUNT
    assert principal_grant(aws(f"arn:aws:iam::{A}:root"), session) is Grant.ACCOUNT
    assert principal_grant(aws(A, f"arn:aws:iam::{A}:role/r"), session) is Grant.ROLE
    assert principal_grant(aws(f"arn:aws:sts::{A}:assumed-role/r/s"), session) is Grant.DIRECT
    assert principal_grant(aws("*"), session) is Grant.DIRECT
    assert principal_grant(PrincipalSpec(True, (), POS), session) is Grant.DIRECT
    assert principal_grant(aws("444455556666"), session) is Grant.NONE
    service = PrincipalSpec(False, (("Service", ("EC2.amazonaws.com",)),), POS)
    assert principal_grant(service, parse_caller("ec2.amazonaws.com")) is Grant.DIRECT
    assert principal_grant(service, session) is Grant.NONE
    assert principal_grant(aws("*"), parse_caller("ec2.amazonaws.com")) is Grant.DIRECT


def test_not_principal_needs_every_identity_listed() -> None:
    user = parse_caller(f"arn:aws:iam::{A}:user/bob")
    root = f"arn:aws:iam::{A}:root"
    assert not not_principal_applies(aws(f"arn:aws:iam::{A}:user/bob", root), user, has_boundary=False)
    assert not_principal_applies(aws(f"arn:aws:iam::{A}:user/bob"), user, has_boundary=False)
    assert not_principal_applies(aws(f"arn:aws:iam::{A}:user/bob", root), user, has_boundary=True)
    assert not not_principal_applies(aws(A), parse_caller(root), has_boundary=False)
    assert not_principal_applies(aws(root), parse_caller("sns.amazonaws.com"), has_boundary=False)
