"""Numeric and date condition operators.

Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
https://www.w3.org/TR/NOTE-datetime
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

import pytest

from warden.policy.conditions import CompiledClause
from warden.policy.conditions.dates import parse_instant
from warden.policy.errors import MalformedPolicyDocument

Build = Callable[..., CompiledClause]


@pytest.mark.parametrize(
    ("operator", "values", "request_value", "expected"),
    [
        ("NumericEquals", ("10",), "10", True),
        ("NumericEquals", ("10",), "10.0", True),
        ("NumericEquals", ("10",), "11", False),
        ("NumericEquals", ("1.5", "2"), "2.00", True),
        ("NumericEquals", ("-3",), "-3", True),
        ("NumericEquals", ("1e2",), "100", True),
        ("NumericNotEquals", ("10", "20"), "20", False),
        ("NumericNotEquals", ("10", "20"), "15", True),
        ("NumericLessThan", ("10",), "9.99", True),
        ("NumericLessThan", ("10",), "10", False),
        ("NumericLessThan", ("5", "10"), "7", True),
        ("NumericLessThanEquals", ("10",), "10", True),
        ("NumericLessThanEquals", ("10",), "10.01", False),
        ("NumericGreaterThan", ("10",), "10", False),
        ("NumericGreaterThan", ("10", "20"), "15", True),
        ("NumericGreaterThanEquals", ("10",), "10", True),
        ("NumericGreaterThanEquals", ("10",), "9", False),
        ("NumericEquals", ("12345678901234567890",), "12345678901234567891", False),
    ],
)
def test_numeric(
    clause: Build, operator: str, values: tuple[str, ...], request_value: str, expected: bool
) -> None:
    assert clause(operator, "s3:max-keys", *values).evaluate({"s3:max-keys": request_value}) is expected


@pytest.mark.parametrize(
    "operator", ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericGreaterThan"]
)
@pytest.mark.parametrize("request_value", ["ten", "", "1,000", "NaN", "inf", "0x10"])
def test_non_numeric_request_value_does_not_match(clause: Build, operator: str, request_value: str) -> None:
    assert clause(operator, "s3:max-keys", "10").evaluate({"s3:max-keys": request_value}) is False


@pytest.mark.parametrize("value", ["ten", "", "NaN", "Infinity", "${aws:username}", "1.2.3"])
def test_non_numeric_policy_value_is_malformed(clause: Build, value: str) -> None:
    with pytest.raises(MalformedPolicyDocument) as caught:
        clause("NumericLessThan", "s3:max-keys", value)
    assert caught.value.position is not None
    assert "s3:max-keys" in caught.value.message


def test_numeric_absent_and_if_exists(clause: Build) -> None:
    assert clause("NumericLessThan", "s3:max-keys", "10").evaluate({}) is False
    assert clause("NumericNotEquals", "s3:max-keys", "10").evaluate({}) is True
    assert clause("NumericLessThanIfExists", "s3:max-keys", "10").evaluate({}) is True
    assert clause("NumericLessThanIfExists", "s3:max-keys", "10").evaluate({"s3:max-keys": "11"}) is False


@pytest.mark.parametrize(
    ("text", "expected_iso"),
    [
        ("2020-01-01T00:00:01Z", "2020-01-01T00:00:01+00:00"),
        ("2020-01-01T01:00:01+01:00", "2020-01-01T00:00:01+00:00"),
        ("2019-12-31T19:00:01-0500", "2020-01-01T00:00:01+00:00"),
        ("2020-01-01T00:00:01.5Z", "2020-01-01T00:00:01.500000+00:00"),
        ("2020-01-01T00:00Z", "2020-01-01T00:00:00+00:00"),
        ("2020-01-01T00:00:00", "2020-01-01T00:00:00+00:00"),
        ("2020-01-01", "2020-01-01T00:00:00+00:00"),
        ("2020-01", "2020-01-01T00:00:00+00:00"),
        ("20200101T000001Z", "2020-01-01T00:00:01+00:00"),
        ("1577836801", "2020-01-01T00:00:01+00:00"),
        ("1577836801.25", "2020-01-01T00:00:01.250000+00:00"),
    ],
)
def test_date_forms(text: str, expected_iso: str) -> None:
    from datetime import datetime

    expected = datetime.fromisoformat(expected_iso)
    micros = parse_instant(text)
    assert micros is not None
    assert datetime.fromtimestamp(micros / 1_000_000, tz=UTC) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2020-13-01",
        "2020-02-30",
        "2020-01-01T25:00:00Z",
        "2020-01-01T00:00:00+24:00",
        "01/02/2020",
    ],
)
def test_invalid_dates(text: str) -> None:
    assert parse_instant(text) is None


@pytest.mark.parametrize(
    ("operator", "values", "request_value", "expected"),
    [
        ("DateGreaterThan", ("2020-01-01T00:00:01Z",), "2020-06-01T00:00:00Z", True),
        ("DateGreaterThan", ("2020-01-01T00:00:01Z",), "2020-01-01T00:00:01Z", False),
        ("DateGreaterThanEquals", ("2020-01-01T00:00:01Z",), "2020-01-01T01:00:01+01:00", True),
        ("DateLessThan", ("2020-01-01",), "2019-12-31T23:59:59Z", True),
        ("DateLessThan", ("2020-01-01",), "1577836800", False),
        ("DateLessThanEquals", ("2020-01-01",), "1577836800", True),
        ("DateEquals", ("2020-01-01T00:00:00Z",), "2019-12-31T19:00:00-05:00", True),
        ("DateEquals", ("2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"), "2021-01-01", True),
        ("DateNotEquals", ("2020-01-01T00:00:00Z",), "2020-01-01T00:00:00.001Z", True),
        ("DateNotEquals", ("2020-01-01T00:00:00Z",), "1577836800", False),
        ("DateGreaterThan", ("1700000000",), "2024-01-01T00:00:00Z", True),
        ("DateLessThan", ("2020-01-01",), "not a date", False),
        ("DateNotEquals", ("2020-01-01",), "not a date", False),
    ],
)
def test_date_operators(
    clause: Build, operator: str, values: tuple[str, ...], request_value: str, expected: bool
) -> None:
    assert (
        clause(operator, "aws:CurrentTime", *values).evaluate({"aws:currenttime": request_value}) is expected
    )


def test_date_absent_and_if_exists(clause: Build) -> None:
    assert clause("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01").evaluate({}) is False
    assert clause("DateNotEquals", "aws:TokenIssueTime", "2020-01-01").evaluate({}) is True
    assert clause("DateGreaterThanIfExists", "aws:TokenIssueTime", "2020-01-01").evaluate({}) is True


@pytest.mark.parametrize("value", ["soon", "2020-02-30", "*", "${aws:CurrentTime}"])
def test_invalid_policy_date_is_malformed(clause: Build, value: str) -> None:
    with pytest.raises(MalformedPolicyDocument):
        clause("DateLessThan", "aws:CurrentTime", value)
