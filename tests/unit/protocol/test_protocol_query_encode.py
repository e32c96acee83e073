"""Query responses written by warden parse, with botocore's QueryParser, back to the result given.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html (response and error forms)
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

import pytest
from protocol_authority import botocore_parse

from warden.errors import AccessDenied, NoSuchEntity, ServiceFailure, ValidationError
from warden.protocol import Service, encode_query_error, encode_query_response

WHEN = datetime(2024, 5, 1, 12, 30, 5, tzinfo=UTC)
LATER = datetime(2024, 5, 1, 13, 30, 5, 250000, tzinfo=UTC)


def _user(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "Path": "/",
        "UserName": name,
        "UserId": "AIDAEXAMPLE000000001",
        "Arn": f"arn:aws:iam::123456789012:user/{name}",
        "CreateDate": WHEN,
        **extra,
    }


IAM_RESULTS: list[tuple[str, dict[str, Any]]] = [
    ("CreateUser", {"User": _user("alice", Tags=[{"Key": "team", "Value": '<b>&"x"</b>'}])}),
    (
        "ListUsers",
        {
            "Users": [_user("a"), _user("b", PasswordLastUsed=LATER)],
            "IsTruncated": True,
            "Marker": "next-page",
        },
    ),
    ("ListUsers", {"Users": [], "IsTruncated": False}),
    ("GetAccountSummary", {"SummaryMap": {"Users": 3, "UsersQuota": 5000, "Groups": 0}}),
    (
        "GetCredentialReport",
        {
            "Content": b"user,arn\nroot,arn:aws:iam::1:root\r\n",
            "ReportFormat": "text/csv",
            "GeneratedTime": WHEN,
        },
    ),
    (
        "CreateVirtualMFADevice",
        {
            "VirtualMFADevice": {
                "SerialNumber": "arn:aws:iam::1:mfa/m",
                "Base32StringSeed": b"JBSWY3DPEHPK3PXP",
            }
        },
    ),
    (
        "CreateAccessKey",
        {
            "AccessKey": {
                "UserName": "alice",
                "AccessKeyId": "AKIAEXAMPLE",
                "Status": "Active",
                "SecretAccessKey": "wJalr/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "CreateDate": WHEN,
            }
        },
    ),
    (
        "SimulatePrincipalPolicy",
        {
            "IsTruncated": False,
            "EvaluationResults": [
                {
                    "EvalActionName": "s3:GetObject",
                    "EvalResourceName": "*",
                    "EvalDecision": "allowed",
                    "MatchedStatements": [
                        {
                            "SourcePolicyId": "p1",
                            "SourcePolicyType": "IAM Policy",
                            "StartPosition": {"Line": 1, "Column": 2},
                            "EndPosition": {"Line": 3, "Column": 4},
                        }
                    ],
                    "MissingContextValues": ["aws:SourceIp"],
                    "EvalDecisionDetails": {"IAM Policy": "allowed"},
                }
            ],
        },
    ),
]


@pytest.mark.parametrize(("operation", "result"), IAM_RESULTS, ids=[case[0] for case in IAM_RESULTS])
def test_iam_results_round_trip_through_botocore(
    iam: Service, operation: str, result: dict[str, Any]
) -> None:
    op = iam.find_operation(operation)
    assert op is not None
    parsed = botocore_parse("query", op, encode_query_response(op, result, "req-1"))
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    expected = dict(result)
    assert parsed == expected


def test_sts_assume_role_round_trips(sts: Service) -> None:
    op = sts.find_operation("AssumeRole")
    assert op is not None
    result = {
        "Credentials": {
            "AccessKeyId": "ASIAEXAMPLE",
            "SecretAccessKey": "s",
            "SessionToken": "t",
            "Expiration": LATER,
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROAEXAMPLE:sess", "Arn": "arn:aws:sts::1:assumed-role/r/sess"},
        "PackedPolicySize": 6,
        "SourceIdentity": "alice",
    }
    body = encode_query_response(op, result, "req-2")
    assert body.startswith(b'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">')
    parsed = botocore_parse("query", op, body)
    parsed.pop("ResponseMetadata")
    assert parsed == result


def test_operation_without_output(iam: Service) -> None:
    op = iam.find_operation("DeleteUser")
    assert op is not None and op.output_shape is None
    body = encode_query_response(op, {}, "req-3")
    assert body == (
        b'<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        b"<ResponseMetadata><RequestId>req-3</RequestId></ResponseMetadata></DeleteUserResponse>"
    )
    assert botocore_parse("query", op, body)["ResponseMetadata"]["RequestId"] == "req-3"


def test_wire_forms_of_scalars(iam: Service) -> None:
    op = iam.find_operation("GetCredentialReport")
    assert op is not None
    body = encode_query_response(op, {"Content": b"\x00\xff", "GeneratedTime": LATER}, "r")
    root = ElementTree.fromstring(body)
    ns = {"iam": "https://iam.amazonaws.com/doc/2010-05-08/"}
    assert (
        root.findtext("iam:GetCredentialReportResult/iam:GeneratedTime", namespaces=ns)
        == "2024-05-01T13:30:05.250Z"
    )
    assert (
        root.findtext("iam:GetCredentialReportResult/iam:Content", namespaces=ns)
        == base64.b64encode(b"\x00\xff").decode()
    )


def test_boolean_text(iam: Service) -> None:
    op = iam.find_operation("ListUsers")
    assert op is not None
    assert b"<IsTruncated>false</IsTruncated>" in encode_query_response(
        op, {"Users": [], "IsTruncated": False}, "r"
    )


def test_none_members_are_omitted(iam: Service) -> None:
    op = iam.find_operation("ListUsers")
    assert op is not None
    assert b"Marker" not in encode_query_response(
        op, {"Users": [], "IsTruncated": False, "Marker": None}, "r"
    )


@pytest.mark.parametrize(
    "error",
    [
        NoSuchEntity("The user with name bob cannot be found."),
        AccessDenied(
            "User: arn:aws:iam::1:user/a is not authorized to perform: iam:GetUser on resource: <x> & y"
        ),
        ValidationError(
            "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: ..."
        ),
        ServiceFailure("boom"),
    ],
)
def test_errors_parse_like_aws_errors(iam: Service, error: Any) -> None:
    op = iam.find_operation("GetUser")
    assert op is not None
    parsed = botocore_parse("query", op, encode_query_error(error, "req-err"), status=error.http_status)
    assert parsed["Error"]["Code"] == error.code
    assert parsed["Error"]["Message"] == error.message
    assert parsed["Error"]["Type"] == ("Sender" if error.sender_fault else "Receiver")
    assert parsed["ResponseMetadata"]["RequestId"] == "req-err"


def test_error_document_shape() -> None:
    body = encode_query_error(NoSuchEntity("gone"), "rid", "https://sts.amazonaws.com/doc/2011-06-15/")
    assert body == (
        b'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        b"<Code>NoSuchEntity</Code><Message>gone</Message></Error><RequestId>rid</RequestId>"
        b"</ErrorResponse>"
    )


def test_an_error_echoing_control_characters_stays_well_formed_xml() -> None:
    # Found by the fuzzer: a PolicyArn of "0000000000000000000\x08" is echoed in NoSuchEntity's
    # message, and XML 1.0 cannot carry U+0008 even as a reference; it is written as U+FFFD.
    error = NoSuchEntity("Policy 0\x08\x00\ud800\uffff does not exist or is not attachable.")
    root = ElementTree.fromstring(encode_query_error(error, "req-1"))
    message = root.findtext("a:Error/a:Message", namespaces={"a": "https://iam.amazonaws.com/doc/2010-05-08/"})
    assert message == "Policy 0\ufffd\ufffd\ufffd\ufffd does not exist or is not attachable."
