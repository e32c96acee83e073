"""String condition operators, including negation, multiple values and variables.

Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from warden.policy.conditions import CompiledClause

Build = Callable[..., CompiledClause]

KEY = "aws:PrincipalTag/job-category"


@pytest.mark.parametrize(
    ("operator", "values", "request_value", "expected"),
    [
        ("StringEquals", ("iamuser-admin",), "iamuser-admin", True),
        ("StringEquals", ("iamuser-admin",), "IAMUSER-ADMIN", False),
        ("StringEquals", ("a", "b"), "b", True),
        ("StringEquals", ("a*",), "abc", False),
        ("StringEquals", ("a*",), "a*", True),
        ("StringNotEquals", ("a", "b"), "b", False),
        ("StringNotEquals", ("a", "b"), "c", True),
        ("StringEqualsIgnoreCase", ("IamUser-Admin",), "iamuser-ADMIN", True),
        ("StringEqualsIgnoreCase", ("x",), "y", False),
        ("StringNotEqualsIgnoreCase", ("IamUser-Admin",), "iamuser-ADMIN", False),
        ("StringNotEqualsIgnoreCase", ("a", "b"), "C", True),
        ("StringLike", ("t1.*", "t2.*", "m3.*"), "t2.micro", True),
        ("StringLike", ("t1.*", "t2.*", "m3.*"), "c5.large", False),
        ("StringLike", ("home/?",), "home/a", True),
        ("StringLike", ("home/?",), "home/ab", False),
        ("StringLike", ("", "home/"), "", True),
        ("StringLike", ("Home/*",), "home/x", False),
        ("StringLike", ("exact", "pre*"), "exact", True),
        ("StringNotLike", ("t1.*", "t2.*"), "t2.micro", False),
        ("StringNotLike", ("t1.*", "t2.*"), "m5.large", True),
    ],
)
def test_single_value(
    clause: Build, operator: str, values: tuple[str, ...], request_value: str, expected: bool
) -> None:
    assert clause(operator, KEY, *values).evaluate({KEY.lower(): request_value}) is expected


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringLike", False),
        ("StringEqualsIgnoreCase", False),
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("StringNotEqualsIgnoreCase", True),
    ],
)
def test_absent_key(clause: Build, operator: str, expected: bool) -> None:
    """Absent key: false, except negated operators which are true."""
    assert clause(operator, KEY, "x").evaluate({}) is expected


def test_key_name_is_case_insensitive(clause: Build) -> None:
    compiled = clause("StringEquals", "AWS:PrincipalTag/Job-Category", "x")
    assert compiled.key == "aws:principaltag/job-category"
    assert compiled.evaluate({"aws:principaltag/job-category": "x"})


def test_variable_in_value(clause: Build) -> None:
    compiled = clause("StringLike", "s3:prefix", "", "home/", "home/${aws:username}/*")
    assert compiled.keys == frozenset({"s3:prefix", "aws:username"})
    assert compiled.evaluate({"s3:prefix": "home/alice/docs", "aws:username": "alice"})
    assert not compiled.evaluate({"s3:prefix": "home/bob/docs", "aws:username": "alice"})
    assert compiled.evaluate({"s3:prefix": "home/", "aws:username": "alice"})


def test_variable_disabled_is_literal(clause: Build) -> None:
    compiled = clause("StringEquals", "s3:prefix", "${aws:username}", variables=False)
    assert compiled.keys == frozenset({"s3:prefix"})
    assert compiled.evaluate({"s3:prefix": "${aws:username}", "aws:username": "alice"})
    assert not compiled.evaluate({"s3:prefix": "alice", "aws:username": "alice"})


def test_variable_without_value(clause: Build) -> None:
    """No value: StringEquals/StringLike do not match; StringNotEquals/StringNotLike do (#policy-vars-no-value)."""
    ctx = {"aws:resourcetag/owner": "alice"}
    assert not clause("StringEquals", "aws:ResourceTag/owner", "${aws:username}").evaluate(ctx)
    assert not clause("StringLike", "aws:ResourceTag/owner", "${aws:username}*").evaluate(ctx)
    assert clause("StringNotEquals", "aws:ResourceTag/owner", "${aws:username}").evaluate(ctx)
    assert clause("StringNotLike", "aws:ResourceTag/owner", "${aws:username}").evaluate(ctx)
    assert not clause("StringNotEquals", "aws:ResourceTag/owner", "${aws:username}", "alice").evaluate(ctx)


def test_variable_default(clause: Build) -> None:
    compiled = clause("StringEquals", "aws:ResourceTag/owner", "${aws:username, 'nobody'}")
    assert compiled.evaluate({"aws:resourcetag/owner": "nobody"})
    assert compiled.evaluate({"aws:resourcetag/owner": "alice", "aws:username": "alice"})


def test_variable_ignore_case(clause: Build) -> None:
    compiled = clause("StringEqualsIgnoreCase", "aws:ResourceTag/owner", "${aws:username}")
    assert compiled.evaluate({"aws:resourcetag/owner": "ALICE", "aws:username": "alice"})


def test_variable_value_is_not_a_wildcard(clause: Build) -> None:
    compiled = clause("StringLike", "s3:prefix", "${aws:PrincipalTag/p}")
    ctx = {"aws:principaltag/p": "a*"}
    assert compiled.evaluate({**ctx, "s3:prefix": "a*"})
    assert not compiled.evaluate({**ctx, "s3:prefix": "abc"})


def test_escaped_wildcard_is_literal(clause: Build) -> None:
    compiled = clause("StringLike", "s3:prefix", "a${*}*")
    assert compiled.evaluate({"s3:prefix": "a*xyz"})
    assert not compiled.evaluate({"s3:prefix": "axyz"})


def test_if_exists(clause: Build) -> None:
    compiled = clause("StringLikeIfExists", "ec2:InstanceType", "t1.*", "t2.*")
    assert compiled.evaluate({})
    assert compiled.evaluate({"ec2:instancetype": "t2.nano"})
    assert not compiled.evaluate({"ec2:instancetype": "m5.large"})
    negated = clause("StringNotEqualsIfExists", "aws:ResourceTag/team", "red")
    assert negated.evaluate({})
    assert not negated.evaluate({"aws:resourcetag/team": "red"})
    assert negated.evaluate({"aws:resourcetag/team": "blue"})
