"""validate_policy: errors for what parse_policy rejects, then Access Analyzer-style checks."""

from __future__ import annotations

from typing import Any

import pytest

from warden.policy.ast import PolicyKind
from warden.policy.validate import Finding, Severity, validate_policy

CHECKS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return document


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


def test_clean_policy_has_no_findings() -> None:
    document = doc(
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}
    )
    assert validate_policy(document, PolicyKind.IDENTITY) == []


def test_errors_are_reported_per_broken_statement_with_positions() -> None:
    """Errors first, one per statement: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"""
    text = (
        '{"Version": "2012-10-17", "Statement": [\n'
        ' {"Effect": "Allow", "Action": "s3GetObject", "Resource": "*"},\n'
        ' {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},\n'
        ' {"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}\n'
        "]}"
    )
    findings = validate_policy(text, PolicyKind.IDENTITY)
    assert [(f.severity, f.code) for f in findings] == [
        (Severity.ERROR, "ACTION"),
        (Severity.ERROR, "EFFECT"),
    ]
    assert findings[0].position.path == "Statement[0].Action" and findings[0].position.line == 2
    assert findings[1].message == "The policy failed legacy parsing" and findings[1].position.line == 4


def test_syntax_and_duplicate_sid_errors() -> None:
    assert codes(validate_policy("{nope", PolicyKind.IDENTITY)) == ["SYNTAX"]
    assert codes(validate_policy('{"Statement": {}, "Statement": {}}', PolicyKind.IDENTITY)) == [
        "DUPLICATE_KEY"
    ]
    same = {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    assert codes(validate_policy(doc(same, same), PolicyKind.IDENTITY)) == ["DUPLICATE_SID"]
    resource = dict(same, Principal="*", Sid="Same sid")
    findings = validate_policy(doc(resource, resource), PolicyKind.RESOURCE)
    assert [(f.severity, f.code) for f in findings] == [(Severity.WARNING, "DUPLICATE_SID")]


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, ["ALLOW_WITH_NOT_ACTION"]),
        ({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b"}, ["ALLOW_WITH_NOT_RESOURCE"]),
        ({"Effect": "Allow", "Action": "*", "Resource": "*"}, ["FULL_ACCESS", "PASS_ROLE_WITH_STAR_IN_RESOURCE"]),
        ({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}, ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]),
        ({"Effect": "Allow", "Action": "IAM:pass*", "Resource": ["*"]}, ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]),
        ({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"}, []),
        ({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}, []),
        ({"Effect": "Deny", "Action": "*", "Resource": "*"}, []),
        ({"Effect": "Allow", "Action": "*", "Resource": "*",
          "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}, ["PASS_ROLE_WITH_STAR_IN_RESOURCE"]),
    ],
)  # fmt: skip
def test_security_warnings(statement: dict[str, Any], expected: list[str]) -> None:
    """Security warnings: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"""
    findings = validate_policy(doc(statement), PolicyKind.IDENTITY)
    assert codes(findings) == expected
    assert all(f.severity is Severity.SECURITY_WARNING for f in findings)


def test_allow_with_not_principal_in_resource_policy() -> None:
    statement = {"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::b/*"}  # fmt: skip
    assert codes(validate_policy(doc(statement), PolicyKind.RESOURCE)) == ["ALLOW_WITH_NOT_PRINCIPAL"]


def test_redundant_actions_and_resources() -> None:
    """Redundant values: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"""
    statement = {
        "Effect": "Deny",
        "Action": ["s3:Get*", "s3:GetObject", "S3:GETOBJECT", "s3:Put?bject", "s3:PutObject", "ec2:*"],
        "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/key", "arn:aws:s3:::B/key", "arn:aws:s3:::b/*"],
    }
    findings = validate_policy(doc(statement), PolicyKind.IDENTITY)
    assert [(f.code, f.position.path) for f in findings] == [
        ("REDUNDANT_ACTION", "Statement[0].Action[1]"),
        ("REDUNDANT_ACTION", "Statement[0].Action[2]"),
        ("REDUNDANT_ACTION", "Statement[0].Action[4]"),
        ("REDUNDANT_RESOURCE", "Statement[0].Resource[1]"),
        ("REDUNDANT_RESOURCE", "Statement[0].Resource[3]"),
    ]
    assert all(f.severity is Severity.SUGGESTION for f in findings)


def test_wildcard_coverage_is_exact() -> None:
    # "a?c" does not cover "a*c" (which also matches "abbc"), but "a*c" covers "a?c".
    statement = {"Effect": "Deny", "Action": ["s3:Get?bject", "s3:Get*bject"], "Resource": "*"}
    findings = validate_policy(doc(statement), PolicyKind.IDENTITY)
    assert [(f.code, f.position.path) for f in findings] == [("REDUNDANT_ACTION", "Statement[0].Action[0]")]


def test_empty_condition_blocks_and_value_lists() -> None:
    statement = {
        "Effect": "Deny", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": []}, "StringLike": {}},
    }  # fmt: skip
    findings = validate_policy(doc(statement), PolicyKind.IDENTITY)
    assert [(f.code, f.position.path) for f in findings] == [
        ("EMPTY_ARRAY_CONDITION", 'Statement[0].Condition.StringEquals["aws:PrincipalTag/team"]'),
        ("EMPTY_OBJECT_CONDITION", "Statement[0].Condition.StringLike"),
    ]
    empty = dict(statement, Condition={})
    assert codes(validate_policy(doc(empty), PolicyKind.IDENTITY)) == ["EMPTY_OBJECT_CONDITION"]


@pytest.mark.parametrize(
    ("key", "flagged"),
    [
        ("aws:SourceIp", False),
        ("aws:ResourceTag/aws:cloudformation:stack-name", False),
        ("cognito-identity.amazonaws.com:aud", False),
        ("s3:x-amz-acl", False),
        ("aws:Source Ip", True),
        ("aws:", True),
        ("aws:PrincipalTag/", True),
        (":SourceIp", True),
    ],
)
def test_condition_key_form(key: str, flagged: bool) -> None:
    statement = {
        "Effect": "Deny",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"StringEquals": {key: "x"}},
    }
    findings = validate_policy(doc(statement), PolicyKind.IDENTITY)
    if key.startswith(":"):  # no vendor at all: an error, as IAM rejects it
        assert codes(findings) == ["CONDITION_KEY"]
        return
    assert codes(findings) == (["INVALID_CONDITION_KEY_FORMAT"] if flagged else [])


def test_version_findings() -> None:
    """Variables need Version 2012-10-17: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}
    assert codes(validate_policy(doc(statement, version=None), PolicyKind.IDENTITY)) == [
        "MISSING_VERSION",
        "VARIABLES_WITHOUT_VERSION",
    ]
    assert codes(validate_policy(doc(statement, version="2008-10-17"), PolicyKind.IDENTITY)) == [
        "VARIABLES_WITHOUT_VERSION"
    ]
    assert validate_policy(doc(statement), PolicyKind.IDENTITY) == []


def test_size_errors_are_findings() -> None:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + "x" * 7000}
    findings = validate_policy(doc(statement), PolicyKind.IDENTITY)
    assert [(f.severity, f.code, f.message) for f in findings] == [
        (Severity.ERROR, "SIZE", "Cannot exceed quota for PolicySize: 6144")
    ]
    assert validate_policy(doc(statement), PolicyKind.IDENTITY, size_limit=None) == []


def test_a_condition_value_its_operator_cannot_read_is_an_error() -> None:
    """What compiling refuses is what IAM refuses to store (services/iam/policy_text.py)."""
    bad = {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.300/8"}}}
    findings = validate_policy(doc(bad), PolicyKind.IDENTITY)
    assert codes(findings) == ["CONDITION_VALUE"]
    assert findings[0].severity is Severity.ERROR
    assert findings[0].position.path == 'Statement[0].Condition.IpAddress["aws:SourceIp"]'
