"""ForAllValues / ForAnyValue qualifiers, plain operators on multivalued keys, and IfExists with them.

Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from warden.policy.conditions import CompiledClause

Build = Callable[..., CompiledClause]

KEY = "dynamodb:requestedAttributes"
ALLOWED = ("PostDateTime", "Message", "Tags")


def ctx(value: str | tuple[str, ...] | None) -> dict[str, str | tuple[str, ...]]:
    return {} if value is None else {KEY.lower(): value}


@pytest.mark.parametrize(
    ("request_value", "expected"),
    [
        (("PostDateTime", "Message"), True),
        (("PostDateTime", "UserName"), False),  # the documented example: UserName has no match
        (("ID",), False),
        ((), True),  # empty set
        ("", True),  # "an empty data set (for example, an empty string)"
        (None, True),  # key absent
        ("Message", True),  # a single value is a set of one
        ("ID", False),
    ],
)
def test_for_all_values(clause: Build, request_value: str | tuple[str, ...] | None, expected: bool) -> None:
    assert clause("ForAllValues:StringLike", KEY, *ALLOWED).evaluate(ctx(request_value)) is expected


@pytest.mark.parametrize(
    ("request_value", "expected"),
    [
        (("UserName", "Message", "PostDateTime"), True),  # the documented PutItem example
        (("UserName",), False),
        ((), False),
        ("", False),
        (None, False),
        ("ID", True),
    ],
)
def test_for_any_value(clause: Build, request_value: str | tuple[str, ...] | None, expected: bool) -> None:
    assert (
        clause("ForAnyValue:StringLike", KEY, "ID", "PostDateTime").evaluate(ctx(request_value)) is expected
    )


@pytest.mark.parametrize(
    ("request_value", "expected"),
    [
        (("a", "b"), True),  # no request value is in the list
        (("a", "x"), False),  # x is in the list
        (("x", "y"), False),
        ((), True),
        (None, True),
    ],
)
def test_for_all_values_negated(
    clause: Build, request_value: str | tuple[str, ...] | None, expected: bool
) -> None:
    """ForAllValues:StringNotEquals: none of the request values is in the policy list."""
    assert clause("ForAllValues:StringNotEquals", KEY, "x", "y").evaluate(ctx(request_value)) is expected


@pytest.mark.parametrize(
    ("request_value", "expected"),
    [
        (("a", "x"), True),  # a is not in the list
        (("x", "y"), False),  # every value is in the list
        (("x",), False),
        ((), False),
        (None, False),
    ],
)
def test_for_any_value_negated(
    clause: Build, request_value: str | tuple[str, ...] | None, expected: bool
) -> None:
    """ForAnyValue:StringNotEquals: at least one request value is not in the policy list."""
    assert clause("ForAnyValue:StringNotEquals", KEY, "x", "y").evaluate(ctx(request_value)) is expected


def test_for_all_values_string_not_like_documented_example(clause: Build) -> None:
    """Deny unless every tag key starts with key1 (multi-valued context key examples page)."""
    compiled = clause("ForAllValues:StringNotLike", "aws:TagKeys", "key1*")
    assert compiled.evaluate({"aws:tagkeys": ("key1:legal",)}) is False
    assert compiled.evaluate({"aws:tagkeys": ("key2:legal",)}) is True
    assert compiled.evaluate({"aws:tagkeys": ("key1:legal", "key2:x")}) is False
    assert compiled.evaluate({}) is True


@pytest.mark.parametrize(
    ("operator", "request_value", "expected"),
    [
        ("StringEquals", ("a", "x"), True),
        ("StringEquals", ("a", "b"), False),
        ("StringEquals", (), False),
        ("StringEquals", ("x",), True),
        ("StringNotEquals", ("a", "b"), True),
        ("StringNotEquals", ("a", "x"), False),
        ("StringNotEquals", (), True),
    ],
)
def test_plain_operator_on_multivalued_key(
    clause: Build, operator: str, request_value: tuple[str, ...], expected: bool
) -> None:
    """warden's documented choice: positive = any value matches; negated = no value matches."""
    assert clause(operator, KEY, "x", "y").evaluate(ctx(request_value)) is expected


def test_if_exists_under_qualifier(clause: Build) -> None:
    compiled = clause("ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "team")
    assert compiled.evaluate({}) is True
    assert compiled.evaluate({"aws:tagkeys": ("team", "x")}) is True
    assert compiled.evaluate({"aws:tagkeys": ("x",)}) is False
    assert compiled.evaluate({"aws:tagkeys": ()}) is False


def test_qualified_numeric_and_ip(clause: Build) -> None:
    numbers = clause("ForAllValues:NumericLessThan", "k", "10")
    assert numbers.evaluate({"k": ("1", "9")}) and not numbers.evaluate({"k": ("1", "10")})
    assert not numbers.evaluate({"k": ("1", "NaN")})
    ips = clause("ForAnyValue:IpAddress", "k", "10.0.0.0/8")
    assert ips.evaluate({"k": ("192.0.2.1", "10.1.2.3")}) and not ips.evaluate({"k": ("192.0.2.1",)})


def test_qualified_variable(clause: Build) -> None:
    compiled = clause("ForAllValues:StringEquals", "aws:TagKeys", "${aws:PrincipalTag/allowed}", "owner")
    assert compiled.keys == frozenset({"aws:tagkeys", "aws:principaltag/allowed"})
    assert compiled.evaluate({"aws:tagkeys": ("owner", "cc"), "aws:principaltag/allowed": "cc"})
    assert not compiled.evaluate({"aws:tagkeys": ("owner", "cc")})
