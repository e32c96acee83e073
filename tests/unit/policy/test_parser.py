"""parse_policy: AWS's grammar, per-kind element rules and AWS's MalformedPolicyDocument texts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from warden.policy.ast import Effect, PolicyKind
from warden.policy.errors import MalformedPolicyDocument
from warden.policy.parser import PolicyRejected, parse_policy

GRAMMAR = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"


def statement(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    base.update(fields)
    return {key: value for key, value in base.items() if value is not None}


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return document


def rejected(document: Any, kind: PolicyKind = PolicyKind.IDENTITY) -> PolicyRejected:
    with pytest.raises(MalformedPolicyDocument) as caught:
        parse_policy(document, kind)
    assert isinstance(caught.value, PolicyRejected)
    return caught.value


def test_parses_a_full_identity_policy_from_text_with_positions() -> None:
    """Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "p1",
            "Statement": [
                {"Sid": "Read", "Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"], "Resource": "*"},
                {
                    "Effect": "Deny",
                    "NotAction": "iam:*",
                    "NotResource": ["arn:aws:iam::111122223333:role/admin"],
                    "Condition": {
                        "Bool": {"aws:MultiFactorAuthPresent": False},
                        "NumericLessThan": {"s3:max-keys": 10},
                    },
                },
            ],
        },
        indent=2,
    )
    parsed = parse_policy(text, PolicyKind.IDENTITY)
    assert parsed.version == "2012-10-17" and parsed.id == "p1" and parsed.variables_enabled
    first, second = parsed.statements
    assert (first.index, first.sid, first.effect) == (0, "Read", Effect.ALLOW)
    assert first.actions == ("s3:Get*", "s3:ListBucket") and first.resources == ("*",)
    assert first.position.path == "Statement[0]" and first.position.line == 5
    assert second.not_actions == ("iam:*",) and second.not_resources == (
        "arn:aws:iam::111122223333:role/admin",
    )
    bool_clause, numeric_clause = second.conditions
    assert (bool_clause.operator, bool_clause.key, bool_clause.values) == (
        "Bool",
        "aws:MultiFactorAuthPresent",
        ("false",),
    )
    assert numeric_clause.values == ("10",)
    assert numeric_clause.position.path == 'Statement[1].Condition.NumericLessThan["s3:max-keys"]'
    assert numeric_clause.position.line is not None


def test_single_statement_object_and_missing_version() -> None:
    """Version: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    parsed = parse_policy({"Statement": statement()}, PolicyKind.IDENTITY)
    assert parsed.version is None and not parsed.variables_enabled
    assert parsed.statements[0].position.path == "Statement"
    assert (
        parse_policy(policy(statement(), version="2008-10-17"), PolicyKind.IDENTITY).version == "2008-10-17"
    )


def test_condition_values_normalise_to_strings_keeping_number_text() -> None:
    """Condition values: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"""
    text = (
        '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": '
        '{"NumericEquals": {"s3:max-keys": [1.50, 2e1, 7]}, "Bool": {"aws:SecureTransport": true}}}}'
    )
    clauses = parse_policy(text, PolicyKind.IDENTITY).statements[0].conditions
    assert clauses[0].values == ("1.50", "2e1", "7")
    assert clauses[1].values == ("true",)
    from_mapping = parse_policy(json.loads(text), PolicyKind.IDENTITY).statements[0].conditions
    assert from_mapping[0].values == ("1.5", "20.0", "7")


@pytest.mark.parametrize(
    ("document", "message", "path"),
    [
        ("{", "Syntax errors in policy.", ""),
        ("[]", "Syntax errors in policy.", ""),
        ('{"Statement": {}, "Statement": {}}', "Syntax errors in policy.", "Statement"),
        (policy(statement(), version="2012-10-18"), "The policy failed legacy parsing", "Version"),
        ({"Version": "2012-10-17"}, "Missing required field Statement", ""),
        ({"Statement": []}, "Syntax errors in policy.", "Statement"),
        ({"Statement": "x"}, "Syntax errors in policy.", "Statement"),
        ({"Statement": [1]}, "Syntax errors in policy.", "Statement[0]"),
        ({"Id": 5, "Statement": statement()}, "Syntax errors in policy.", "Id"),
        ({"Statement": statement(), "Extra": 1}, "Unknown field Extra", "Extra"),
        (policy(statement(effect="Allow")), "Unknown field effect", "Statement[0].effect"),
        (policy(statement(Effect=None)), "Missing required field Effect", "Statement[0]"),
        (policy(statement(Effect="allow")), "The policy failed legacy parsing", "Statement[0].Effect"),
        (policy(statement(Action=None)), "Policy statement must contain actions.", "Statement[0]"),
        (policy(statement(Action=[])), "Policy statement must contain actions.", "Statement[0].Action"),
        (policy(statement(Resource=None)), "Policy statement must contain resources.", "Statement[0]"),
        (policy(statement(Resource=[])), "Policy statement must contain resources.", "Statement[0].Resource"),
        (policy(statement(Action=["s3:GetObject", 3])), "Syntax errors in policy.", "Statement[0].Action"),
        (policy(statement(Sid="has space")), ("Statement IDs (SID) must be alpha-numeric. Check that your input "
         "satisfies the regular expression [0-9A-Za-z]*"), "Statement[0].Sid"),
        (policy(statement(Sid=1)), "Syntax errors in policy.", "Statement[0].Sid"),
        (policy(statement(Sid="A"), statement(Sid="A")), "Statement IDs (SID) in a single policy must be unique.",
         "Statement[1].Sid"),
    ],
)  # fmt: skip
def test_document_and_statement_errors(document: Any, message: str, path: str) -> None:
    """Errors: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_policies.html"""
    error = rejected(document)
    assert error.message == message
    assert error.position is not None and error.position.path == path


def test_text_errors_carry_line_and_column() -> None:
    error = rejected('{\n  "Statement": {\n    "Effect": "Alow"\n  }\n}')
    assert error.position is not None
    assert (error.position.path, error.position.line, error.position.column) == ("Statement.Effect", 3, 15)
    syntax = rejected('{\n  "Statement": [,]\n}')
    assert syntax.position is not None and (syntax.position.line, syntax.position.column) == (2, 17)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("s3GetObject", "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
        ("s3:Get:Object", "Actions/Condition can contain only one colon."),
        ("s*:GetObject", "Action vendors (e.g., aws, ec2, etc.) must not contain wildcards"),
        ("s3:", 'Action "s3:" has an invalid action name "".'),
        ("s 3:Get", 'Action "s 3:Get" has an invalid service prefix "s 3".'),
    ],
)
def test_action_forms(action: str, message: str) -> None:
    """Action: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    error = rejected(policy(statement(Action=["s3:GetObject", action])))
    assert error.message == message
    assert error.position is not None and error.position.path == "Statement[0].Action[1]"


@pytest.mark.parametrize("action", ["*", "s3:*", "S3:get*", "ec2:Describe?nstances", "execute-api:Invoke"])
def test_valid_actions(action: str) -> None:
    assert parse_policy(policy(statement(Action=action)), PolicyKind.IDENTITY).statements[0].actions == (
        action,
    )


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        ("", 'Resource  must be in ARN format or "*".'),
        ("bucket", 'Resource bucket must be in ARN format or "*".'),
        ("arn:aws:s3:::", None),
        ("arn:aws:s3", 'Resource arn:aws:s3 must be in ARN format or "*".'),
        ("arn:aws::::x", "Resource vendor must be fully qualified and cannot contain regexes."),
        ("arn:aws:s*:::x", "Resource vendor must be fully qualified and cannot contain regexes."),
        ("arn:aws1:s3:::x", 'Partition "aws1" is not valid for resource "arn:aws1:s3:::x".'),
        ("arn:*:s3:::x", None),
        ("arn:aws-cn:s3:::x/${aws:username}", None),
        ("arn:aws:ec2:*:*:instance/*", None),
    ],
)
def test_resource_forms(resource: str, message: str | None) -> None:
    """Resource: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    document = policy(statement(Resource=resource))
    if message is None:
        assert parse_policy(document, PolicyKind.IDENTITY).statements[0].resources == (resource,)
    else:
        assert rejected(document).message == message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"NotAction": "s3:*"}, "A statement cannot contain both Action and NotAction."),
        ({"NotResource": "*"}, "A statement cannot contain both Resource and NotResource."),
    ],
)
def test_pairs_are_exclusive(fields: dict[str, Any], message: str) -> None:
    assert rejected(policy(statement(**fields))).message == message


@pytest.mark.parametrize("kind", [PolicyKind.IDENTITY, PolicyKind.PERMISSIONS_BOUNDARY, PolicyKind.SESSION])
@pytest.mark.parametrize("element", ["Principal", "NotPrincipal"])
def test_identity_kinds_forbid_principals(kind: PolicyKind, element: str) -> None:
    """Principal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    error = rejected(policy(statement(**{element: "*"})), kind)
    assert error.message == "Policy document should not specify a principal."
    assert error.position is not None and error.position.path == f"Statement[0].{element}"


def test_resource_and_trust_policies_require_a_principal() -> None:
    """Principal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert rejected(policy(statement()), PolicyKind.RESOURCE).message == "Missing required field Principal"
    trust = policy({"Effect": "Allow", "Action": "sts:AssumeRole"})
    assert rejected(trust, PolicyKind.TRUST).message == "Missing required field Principal"


def test_trust_policy_principals_and_prohibited_resource() -> None:
    """Trust policies: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    principal = {
        "AWS": [
            "arn:aws:iam::111122223333:root",
            "444455556666",
            "arn:aws:sts::111122223333:assumed-role/r/s",
        ],
        "Service": "ec2.amazonaws.com",
        "Federated": "arn:aws:iam::111122223333:saml-provider/corp",
    }
    parsed = parse_policy(
        policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}), PolicyKind.TRUST
    )
    spec = parsed.statements[0].principal
    assert spec is not None and not spec.wildcard
    assert spec.values("AWS")[1] == "444455556666" and spec.values("Service") == ("ec2.amazonaws.com",)
    assert parsed.statements[0].resources is None
    with_resource = policy({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"})
    assert rejected(with_resource, PolicyKind.TRUST).message == "Has prohibited field Resource"


@pytest.mark.parametrize(
    ("principal", "message"),
    [
        ("arn:aws:iam::111122223333:root", "Invalid principal in policy"),
        ({}, "Invalid principal in policy"),
        ({"Aws": "*"}, "Invalid principal in policy"),
        ({"AWS": []}, "Invalid principal in policy"),
        ({"AWS": "bob"}, 'Invalid principal in policy: "AWS":"bob"'),
        ({"AWS": "arn:aws:iam::111122223333:user/*"}, 'Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/*"'),
        ({"CanonicalUser": "abc"}, 'Invalid principal in policy: "CanonicalUser":"abc"'),
        ({"AWS": [1]}, "Syntax errors in policy."),
    ],
)  # fmt: skip
def test_invalid_principals(principal: Any, message: str) -> None:
    """Principal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert rejected(policy(statement(Principal=principal)), PolicyKind.RESOURCE).message == message


def test_resource_policy_specifics() -> None:
    """S3 bucket policies accept free-text Sids and name a bad Effect: https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html"""
    parsed = parse_policy(policy(statement(Sid="Public read", Principal={"AWS": "*"})), PolicyKind.RESOURCE)
    assert parsed.statements[0].sid == "Public read"
    assert parsed.statements[0].principal is not None and parsed.statements[0].principal.values("AWS") == (
        "*",
    )
    assert rejected(policy(statement(Principal="*", Effect="Permit")), PolicyKind.RESOURCE).message == (
        "Invalid effect: Permit"
    )
    both = statement(Principal="*", NotPrincipal="*")
    assert rejected(policy(both), PolicyKind.RESOURCE).message == (
        "A statement cannot contain both Principal and NotPrincipal."
    )


def test_scp_rules() -> None:
    """SCP syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html"""
    ok = policy(statement(Effect="Deny", NotResource="arn:aws:s3:::b", Resource=None,
                          Condition={"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}))  # fmt: skip
    assert parse_policy(ok, PolicyKind.SCP).statements[0].not_resources == ("arn:aws:s3:::b",)
    assert (
        rejected(policy(statement(Principal="*")), PolicyKind.SCP).message == "Has prohibited field Principal"
    )
    assert (
        rejected(policy(statement(NotPrincipal="*")), PolicyKind.SCP).message
        == "Has prohibited field NotPrincipal"
    )
    assert rejected(policy(statement(Sid="a-b")), PolicyKind.SCP).message.startswith(
        "Statement IDs (SID) must"
    )


def test_rcp_rules() -> None:
    """RCP syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html"""
    ok = policy(statement(Effect="Deny", Principal="*", Condition={"Bool": {"aws:SecureTransport": "false"}}))
    assert parse_policy(ok, PolicyKind.RCP).statements[0].principal is not None
    assert (
        rejected(policy(statement(Effect="Deny")), PolicyKind.RCP).message
        == "Missing required field Principal"
    )
    narrow = policy(statement(Effect="Deny", Principal={"AWS": "111122223333"}))
    assert rejected(narrow, PolicyKind.RCP).message.startswith("Invalid principal in policy")
    assert (
        rejected(policy(statement(NotPrincipal="*")), PolicyKind.RCP).message
        == "Has prohibited field NotPrincipal"
    )


@pytest.mark.parametrize(
    ("condition", "message", "path"),
    [
        ({"StringEqualz": {"aws:username": "x"}}, "Invalid Condition type : StringEqualz",
         "Statement[0].Condition.StringEqualz"),
        ({"StringEquals": {"username": "x"}},
         "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
         "Statement[0].Condition.StringEquals.username"),
        ({"StringEquals": "x"}, "Syntax errors in policy.", "Statement[0].Condition.StringEquals"),
        ({"StringEquals": {"aws:username": None}}, "Syntax errors in policy.",
         'Statement[0].Condition.StringEquals["aws:username"]'),
        ({"StringEquals": {"aws:username": [["x"]]}}, "Syntax errors in policy.",
         'Statement[0].Condition.StringEquals["aws:username"][0]'),
        ([], "Syntax errors in policy.", "Statement[0].Condition"),
    ],
)  # fmt: skip
def test_condition_errors(condition: Any, message: str, path: str) -> None:
    """Condition: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    error = rejected(policy(statement(Condition=condition)))
    assert error.message == message
    assert error.position is not None and error.position.path == path


def test_condition_operators_with_qualifiers_and_tag_keys() -> None:
    """Multivalued keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    condition = {
        "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*", "b"]},
        "StringEquals": {"aws:ResourceTag/aws:cloudformation:stack-name": "s", "aws:PrincipalTag/team": []},
    }
    clauses = (
        parse_policy(policy(statement(Condition=condition)), PolicyKind.IDENTITY).statements[0].conditions
    )
    assert [(c.operator, c.key, c.values) for c in clauses] == [
        ("ForAnyValue:StringLikeIfExists", "aws:TagKeys", ("a*", "b")),
        ("StringEquals", "aws:ResourceTag/aws:cloudformation:stack-name", ("s",)),
        ("StringEquals", "aws:PrincipalTag/team", ()),
    ]


@pytest.mark.parametrize("document", [None, 3, ["x"], object(), {1: 2}, {"Statement": {1, 2}}])
def test_non_documents_are_syntax_errors(document: Any) -> None:
    assert rejected(document).message == "Syntax errors in policy."


def test_bytes_input() -> None:
    text = json.dumps(policy(statement())).encode()
    assert parse_policy(text, PolicyKind.IDENTITY).statements[0].actions == ("s3:GetObject",)
    assert rejected(b"\xff\xfe").message == "Syntax errors in policy."
