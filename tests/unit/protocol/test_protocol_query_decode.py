"""Query requests serialized by botocore decode back to the parameters boto3 was given.

https://docs.aws.amazon.com/IAM/latest/APIReference/CommonParameters.html
"""

from __future__ import annotations

from typing import Any

import pytest
from protocol_authority import botocore_query_body

from warden.errors import InvalidAction, MissingAction, ValidationError
from warden.protocol import Service, decode_query_request

POLICY = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]\n}'

IAM_CASES: list[tuple[str, dict[str, Any]]] = [
    (
        "CreateUser",
        {
            "UserName": "alice",
            "Path": "/eng/",
            "Tags": [{"Key": "team", "Value": "a b"}, {"Key": "cost:center", "Value": ""}],
        },
    ),
    ("CreateUser", {"UserName": "bob", "PermissionsBoundary": "arn:aws:iam::123456789012:policy/b"}),
    ("PutUserPolicy", {"UserName": "alice", "PolicyName": "inline", "PolicyDocument": POLICY}),
    (
        "CreateRole",
        {
            "RoleName": "deploy",
            "AssumeRolePolicyDocument": POLICY,
            "Description": "déploiement & co",
            "MaxSessionDuration": 7200,
            "Tags": [{"Key": "k", "Value": "v"}],
        },
    ),
    ("AttachUserPolicy", {"UserName": "alice", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    ("ListUsers", {"PathPrefix": "/eng/", "MaxItems": 10, "Marker": "abc/+=="}),
    ("ListUsers", {}),
    ("UpdateAccessKey", {"UserName": "alice", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Inactive"}),
    ("UntagUser", {"UserName": "alice", "TagKeys": ["team", "cost:center"]}),
    ("UntagUser", {"UserName": "alice", "TagKeys": []}),
    (
        "CreatePolicyVersion",
        {"PolicyArn": "arn:aws:iam::123456789012:policy/p", "PolicyDocument": POLICY, "SetAsDefault": False},
    ),
    (
        "UpdateAccountPasswordPolicy",
        {
            "MinimumPasswordLength": 12,
            "RequireSymbols": True,
            "AllowUsersToChangePassword": False,
            "MaxPasswordAge": 90,
        },
    ),
    (
        "SimulatePrincipalPolicy",
        {
            "PolicySourceArn": "arn:aws:iam::123456789012:user/alice",
            "ActionNames": ["s3:GetObject", "s3:PutObject"],
            "ResourceArns": ["arn:aws:s3:::bucket/*"],
            "ContextEntries": [
                {
                    "ContextKeyName": "aws:SourceIp",
                    "ContextKeyValues": ["10.0.0.1", "10.0.0.2"],
                    "ContextKeyType": "ipList",
                }
            ],
            "PolicyInputList": [POLICY],
        },
    ),
    ("PutAccountProperties", {"Properties": {"alpha": "1", "beta": "2"}}),
]

STS_CASES: list[tuple[str, dict[str, Any]]] = [
    (
        "AssumeRole",
        {
            "RoleArn": "arn:aws:iam::123456789012:role/deploy",
            "RoleSessionName": "ci-run@42",
            "DurationSeconds": 900,
            "Policy": POLICY,
            "PolicyArns": [
                {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                {"arn": "arn:aws:iam::123456789012:policy/extra"},
            ],
            "Tags": [{"Key": "project", "Value": "warden"}],
            "TransitiveTagKeys": ["project"],
            "ExternalId": "ext-1",
            "SerialNumber": "arn:aws:iam::123456789012:mfa/alice",
            "TokenCode": "123456",
            "SourceIdentity": "alice",
        },
    ),
    ("GetSessionToken", {"DurationSeconds": 3600}),
    ("GetCallerIdentity", {}),
    ("GetFederationToken", {"Name": "fed-user", "Policy": POLICY, "DurationSeconds": 43200}),
]


@pytest.mark.parametrize(("operation", "params"), IAM_CASES, ids=[case[0] for case in IAM_CASES])
def test_iam_requests_round_trip_through_botocore(
    iam: Service, operation: str, params: dict[str, Any]
) -> None:
    decoded_operation, decoded = decode_query_request(iam, botocore_query_body(iam, operation, params))
    assert decoded_operation.name == operation
    assert decoded == params


@pytest.mark.parametrize(("operation", "params"), STS_CASES, ids=[case[0] for case in STS_CASES])
def test_sts_requests_round_trip_through_botocore(
    sts: Service, operation: str, params: dict[str, Any]
) -> None:
    decoded_operation, decoded = decode_query_request(sts, botocore_query_body(sts, operation, params))
    assert decoded_operation.name == operation
    assert decoded == params


def test_values_are_typed_per_shape(iam: Service) -> None:
    body = botocore_query_body(
        iam, "UpdateAccountPasswordPolicy", {"MinimumPasswordLength": 12, "RequireSymbols": True}
    )
    _, decoded = decode_query_request(iam, body)
    assert decoded["MinimumPasswordLength"] == 12 and type(decoded["MinimumPasswordLength"]) is int
    assert decoded["RequireSymbols"] is True


def test_unknown_parameters_are_ignored(iam: Service) -> None:
    body = {"Action": "GetUser", "Version": "2010-05-08", "UserName": "alice", "Bogus.member.1": "x"}
    assert decode_query_request(iam, body)[1] == {"UserName": "alice"}


def test_list_members_are_ordered_by_index_not_by_arrival(iam: Service) -> None:
    body = {
        "Action": "UntagUser",
        "Version": "2010-05-08",
        "UserName": "u",
        "TagKeys.member.10": "j",
        "TagKeys.member.2": "b",
        "TagKeys.member.1": "a",
    }
    assert decode_query_request(iam, body)[1]["TagKeys"] == ["a", "b", "j"]


def test_missing_action(iam: Service) -> None:
    with pytest.raises(MissingAction):
        decode_query_request(iam, {"Version": "2010-05-08"})


def test_unknown_action_uses_aws_message(iam: Service) -> None:
    with pytest.raises(InvalidAction) as caught:
        decode_query_request(iam, {"Action": "CreateUsr", "Version": "2010-05-08"})
    assert caught.value.message == "Could not find operation CreateUsr for version 2010-05-08"


def test_action_from_another_version_is_unknown(iam: Service) -> None:
    with pytest.raises(InvalidAction) as caught:
        decode_query_request(iam, {"Action": "CreateUser", "Version": "2011-06-15", "UserName": "a"})
    assert caught.value.message == "Could not find operation CreateUser for version 2011-06-15"


def test_sts_action_is_not_an_iam_action(iam: Service) -> None:
    with pytest.raises(InvalidAction):
        decode_query_request(iam, {"Action": "AssumeRole", "Version": "2010-05-08"})


def test_non_numeric_integer_is_a_validation_error(iam: Service) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_query_request(iam, {"Action": "ListUsers", "Version": "2010-05-08", "MaxItems": "ten"})
    assert "'ten'" in caught.value.message and "'maxItems'" in caught.value.message


def test_non_boolean_text_is_a_validation_error(iam: Service) -> None:
    body = {
        "Action": "CreatePolicyVersion",
        "Version": "2010-05-08",
        "PolicyArn": "arn:aws:iam::1:policy/p",
        "PolicyDocument": "{}",
        "SetAsDefault": "yes",
    }
    with pytest.raises(ValidationError):
        decode_query_request(iam, body)
