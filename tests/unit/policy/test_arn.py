"""ARN parsing and component-wise ARN matching.

Sources: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
"""

from __future__ import annotations

import pytest

from warden.policy.arn import Arn, compile_arn_pattern, compile_arn_template, compile_resource_pattern


def test_parse_and_format_round_trip() -> None:
    text = "arn:aws:iam::111122223333:user/division/alice"
    arn = Arn.parse(text)
    assert (arn.partition, arn.service, arn.region, arn.account) == ("aws", "iam", "", "111122223333")
    assert arn.resource == "user/division/alice"
    assert arn.resource_type == "user"
    assert str(arn) == text


def test_resource_part_keeps_colons() -> None:
    arn = Arn.parse("arn:aws:logs:us-east-1:111122223333:log-group:my-group:*")
    assert arn.resource == "log-group:my-group:*"
    assert arn.resource_type == "log-group"


def test_s3_arn_has_empty_region_and_account() -> None:
    arn = Arn.parse("arn:aws:s3:::amzn-s3-demo-bucket/reports/q3.csv")
    assert arn.region == "" and arn.account == ""
    assert arn.resource == "amzn-s3-demo-bucket/reports/q3.csv"
    assert arn.resource_type == "amzn-s3-demo-bucket"


@pytest.mark.parametrize("text", ["", "*", "arn:aws:s3", "urn:aws:s3:::b", "arn::s3:::b", "arn:aws:s3:::"])
def test_parse_rejects_non_arns(text: str) -> None:
    with pytest.raises(ValueError, match="Invalid ARN"):
        Arn.parse(text)
    assert Arn.try_parse(text) is None


def test_arn_like_matches_per_component() -> None:
    """The documented example: StringLike matches, ArnLike does not (the first `*` stays in the region)."""
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
    assert compile_arn_pattern(pattern)(value) is False
    assert compile_arn_pattern(pattern)("arn:aws:someservice:us-east-2:111122223333:finance/doc.txt")


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("arn:aws:sns:*:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:topic", True),
        ("arn:aws:sns:us-?ast-1:*:*", "arn:aws:sns:us-east-1:111122223333:t", True),
        ("arn:aws:sns:us-east-1:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:Topic", False),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", True),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:us-east-1::bucket/a", False),
        ("arn:*:iam::*:role/*", "arn:aws-cn:iam::111122223333:role/x", True),
        ("arn:aws:iam::*", "arn:aws:iam::111122223333:role/x", False),
        ("*", "arn:aws:iam::111122223333:role/x", False),
        ("arn:aws:iam::111122223333:role/x", "not-an-arn", False),
    ],
)
def test_arn_like_cases(pattern: str, value: str, expected: bool) -> None:
    assert compile_arn_pattern(pattern)(value) is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("*", "arn:aws:s3:::b", True),
        ("*", "*", True),
        ("arn:aws:s3:::b", "*", False),
        ("arn:aws:s3:::reports/*", "arn:aws:s3:::reports/2026/q3.csv", True),
        ("arn:aws:s3:::reports/*", "arn:aws:s3:::reports", False),
        ("arn:aws:s3:::reports*", "arn:aws:s3:::reports", True),
        ("arn:aws:s3:::*/2026/*", "arn:aws:s3:::reports/2026/q3.csv", True),
        ("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", True),
        ("arn:aws:ec2:*:*:instance/*", "arn:aws:ec2:us-east-1:111122223333:volume/v-1", False),
        ("arn:aws:iam::111122223333:user/Alice", "arn:aws:iam::111122223333:user/alice", False),
    ],
)
def test_resource_pattern(pattern: str, value: str, expected: bool) -> None:
    assert compile_resource_pattern(pattern)(value) is expected


def test_resource_template_with_variable_in_resource_part() -> None:
    matcher = compile_arn_template(
        "arn:aws:s3:::bucket/home/${aws:username}/*", variables_enabled=True, resource_element=True
    )
    assert matcher.keys == frozenset({"aws:username"})
    assert matcher.matches("arn:aws:s3:::bucket/home/alice/notes.txt", {"aws:username": "alice"})
    assert not matcher.matches("arn:aws:s3:::bucket/home/bob/notes.txt", {"aws:username": "alice"})
    assert not matcher.matches("arn:aws:s3:::bucket/home/alice/notes.txt", {})


def test_substituted_value_is_literal_not_a_wildcard() -> None:
    matcher = compile_arn_template(
        "arn:aws:s3:::bucket/${aws:PrincipalTag/dir}", variables_enabled=True, resource_element=True
    )
    ctx = {"aws:principaltag/dir": "a*"}
    assert matcher.matches("arn:aws:s3:::bucket/a*", ctx)
    assert not matcher.matches("arn:aws:s3:::bucket/abc", ctx)


def test_variables_disabled_are_literal_text() -> None:
    matcher = compile_arn_template(
        "arn:aws:s3:::bucket/${aws:username}", variables_enabled=False, resource_element=True
    )
    assert matcher.keys == frozenset()
    assert matcher.matches("arn:aws:s3:::bucket/${aws:username}", {"aws:username": "alice"})
    assert not matcher.matches("arn:aws:s3:::bucket/alice", {"aws:username": "alice"})


def test_colon_inside_variable_does_not_split_components() -> None:
    matcher = compile_arn_template("arn:aws:sqs:us-east-2:*:${aws:username}-queue", variables_enabled=True)
    assert matcher.matches("arn:aws:sqs:us-east-2:111122223333:alice-queue", {"aws:username": "alice"})
    assert not matcher.matches("arn:aws:sqs:us-east-1:111122223333:alice-queue", {"aws:username": "alice"})


def test_escape_in_template_is_literal() -> None:
    matcher = compile_arn_template("arn:aws:s3:::b/${*}x", variables_enabled=True, resource_element=True)
    assert matcher.matches("arn:aws:s3:::b/*x", {})
    assert not matcher.matches("arn:aws:s3:::b/yx", {})
