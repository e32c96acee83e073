"""Bool, BinaryEquals, IpAddress/NotIpAddress, Arn* and Null operators.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest

from warden.policy.conditions import CompiledClause
from warden.policy.errors import MalformedPolicyDocument

Build = Callable[..., CompiledClause]


@pytest.mark.parametrize(
    ("values", "request_value", "expected"),
    [
        (("true",), "true", True),
        (("true",), "True", True),
        (("true",), "false", False),
        (("false",), "false", True),
        (("FALSE",), "false", True),
        (("true", "false"), "false", True),
        (("true",), "yes", False),
        (("true",), "1", False),
    ],
)
def test_bool(clause: Build, values: tuple[str, ...], request_value: str, expected: bool) -> None:
    key = "aws:SecureTransport"
    assert clause("Bool", key, *values).evaluate({key.lower(): request_value}) is expected


def test_bool_absent_and_if_exists(clause: Build) -> None:
    assert clause("Bool", "aws:MultiFactorAuthPresent", "false").evaluate({}) is False
    assert clause("BoolIfExists", "aws:MultiFactorAuthPresent", "false").evaluate({}) is True
    assert (
        clause("BoolIfExists", "aws:MultiFactorAuthPresent", "false").evaluate(
            {"aws:multifactorauthpresent": "true"}
        )
        is False
    )


def test_bool_variable(clause: Build) -> None:
    compiled = clause("Bool", "aws:SecureTransport", "${aws:PrincipalTag/needs-tls}")
    assert compiled.keys == frozenset({"aws:securetransport", "aws:principaltag/needs-tls"})
    assert compiled.evaluate({"aws:securetransport": "true", "aws:principaltag/needs-tls": "TRUE"})
    assert not compiled.evaluate({"aws:securetransport": "true"})


def test_bool_rejects_non_boolean_policy_value(clause: Build) -> None:
    with pytest.raises(MalformedPolicyDocument):
        clause("Bool", "aws:SecureTransport", "yes")


def test_binary_equals(clause: Build) -> None:
    """BinaryEquals compares the decoded bytes with the base64 policy value byte for byte."""
    encoded = "QmluYXJ5VmFsdWVJbkJhc2U2NA=="
    assert base64.b64decode(encoded) == b"BinaryValueInBase64"
    compiled = clause("BinaryEquals", "key", encoded)
    assert compiled.evaluate({"key": encoded})
    assert not compiled.evaluate({"key": base64.b64encode(b"other").decode()})
    assert not compiled.evaluate({"key": "!!not base64!!"})
    assert not compiled.evaluate({})
    assert clause("BinaryEqualsIfExists", "key", encoded).evaluate({})


def test_binary_rejects_invalid_base64(clause: Build) -> None:
    with pytest.raises(MalformedPolicyDocument):
        clause("BinaryEquals", "key", "not base64!")


@pytest.mark.parametrize(
    ("values", "address", "expected"),
    [
        (("203.0.113.0/24",), "203.0.113.7", True),
        (("203.0.113.0/24",), "203.0.114.7", False),
        (("203.0.113.7",), "203.0.113.7", True),
        (("203.0.113.7",), "203.0.113.8", False),
        (("203.0.113.7/24",), "203.0.113.200", True),
        (("0.0.0.0/0",), "198.51.100.1", True),
        (("2001:DB8:1234:5678::/64",), "2001:db8:1234:5678:abcd::1", True),
        (("2001:DB8:1234:5678::/64",), "2001:db8:1234:5679::1", False),
        (("2001:db8::1",), "2001:db8::1", True),
        (("203.0.113.0/24", "2001:DB8:1234:5678::/64"), "2001:db8:1234:5678::9", True),
        (("203.0.113.0/24",), "2001:db8::1", False),
        (("203.0.113.0/24",), "::ffff:203.0.113.9", True),
        (("203.0.113.0/24",), "not-an-ip", False),
        (("::/0",), "203.0.113.1", False),
    ],
)
def test_ip_address(clause: Build, values: tuple[str, ...], address: str, expected: bool) -> None:
    assert clause("IpAddress", "aws:SourceIp", *values).evaluate({"aws:sourceip": address}) is expected


def test_not_ip_address(clause: Build) -> None:
    compiled = clause("NotIpAddress", "aws:SourceIp", "192.0.2.0/24", "203.0.113.0/24")
    assert compiled.evaluate({"aws:sourceip": "198.51.100.1"})
    assert not compiled.evaluate({"aws:sourceip": "203.0.113.1"})
    assert compiled.evaluate({})  # negated operator, absent key
    assert not compiled.evaluate({"aws:sourceip": "garbage"})
    assert clause("IpAddress", "aws:SourceIp", "192.0.2.0/24").evaluate({}) is False


@pytest.mark.parametrize("value", ["203.0.113.0/33", "300.1.1.1", "abc", "2001:db8::/129"])
def test_invalid_cidr_is_malformed(clause: Build, value: str) -> None:
    with pytest.raises(MalformedPolicyDocument):
        clause("IpAddress", "aws:SourceIp", value)


@pytest.mark.parametrize("operator", ["ArnEquals", "ArnLike"])
def test_arn_equals_and_like_are_identical(clause: Build, operator: str) -> None:
    compiled = clause(operator, "aws:SourceArn", "arn:aws:sns:*:123456789012:topic-*")
    assert compiled.evaluate({"aws:sourcearn": "arn:aws:sns:us-east-1:123456789012:topic-a"})
    assert not compiled.evaluate({"aws:sourcearn": "arn:aws:sns:us-east-1:999999999999:topic-a"})
    assert not compiled.evaluate({"aws:sourcearn": "arn:aws:sns:us-east-1:123456789012:Topic-a"})
    assert not compiled.evaluate({})


@pytest.mark.parametrize("operator", ["ArnNotEquals", "ArnNotLike"])
def test_arn_negated(clause: Build, operator: str) -> None:
    compiled = clause(operator, "aws:SourceArn", "arn:aws:sns:*:123456789012:*", "arn:aws:sqs:*:*:q")
    assert not compiled.evaluate({"aws:sourcearn": "arn:aws:sns:us-east-1:123456789012:t"})
    assert not compiled.evaluate({"aws:sourcearn": "arn:aws:sqs:eu-west-1:1:q"})
    assert compiled.evaluate({"aws:sourcearn": "arn:aws:sns:us-east-1:999999999999:t"})
    assert compiled.evaluate({})


def test_arn_like_with_variable(clause: Build) -> None:
    compiled = clause("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:user/${aws:PrincipalTag/name}")
    assert compiled.keys == frozenset({"aws:principalarn", "aws:principaltag/name"})
    ctx = {"aws:principalarn": "arn:aws:iam::111122223333:user/alice", "aws:principaltag/name": "alice"}
    assert compiled.evaluate(ctx)
    assert not compiled.evaluate({**ctx, "aws:principaltag/name": "bob"})
    assert not compiled.evaluate({"aws:principalarn": "arn:aws:iam::111122223333:user/alice"})


def test_null(clause: Build) -> None:
    """Null true: the key is absent; false: present with a value. No IfExists form."""
    absent = clause("Null", "aws:TokenIssueTime", "true")
    present = clause("Null", "aws:TokenIssueTime", "false")
    assert absent.evaluate({}) and not present.evaluate({})
    ctx = {"aws:tokenissuetime": "2020-01-01T00:00:00Z"}
    assert not absent.evaluate(ctx) and present.evaluate(ctx)
    assert absent.evaluate({"aws:tagkeys": ()} | {"aws:tokenissuetime": ()})
    assert clause("Null", "k", "true", "false").evaluate({})
    assert clause("Null", "k", "TRUE").evaluate({})


def test_null_rejects_other_values(clause: Build) -> None:
    with pytest.raises(MalformedPolicyDocument):
        clause("Null", "k", "maybe")
