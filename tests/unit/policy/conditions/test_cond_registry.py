"""Operator names, the registry and compile errors.

Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
(IfExists on any operator except Null) and
https://github.com/ministryofjustice/modernisation-platform-environments/pull/8893
(IAM answers "Invalid Condition type : stringEquals": operator names are case-sensitive).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from warden.policy.conditions import CompiledClause, Qualifier, is_known_operator, parse_operator
from warden.policy.conditions.operators import BASE_OPERATORS
from warden.policy.errors import MalformedPolicyDocument

Build = Callable[..., CompiledClause]


@pytest.mark.parametrize("base", sorted(BASE_OPERATORS))
def test_every_base_operator_is_known(base: str) -> None:
    assert is_known_operator(base)
    if base == "Null":
        assert not is_known_operator("NullIfExists")
        assert not is_known_operator("ForAllValues:Null")
    else:
        assert is_known_operator(base + "IfExists")
        assert is_known_operator("ForAllValues:" + base)
        assert is_known_operator("ForAnyValue:" + base + "IfExists")


@pytest.mark.parametrize(
    "name",
    [
        "stringEquals",
        "STRINGEQUALS",
        "StringEquals ",
        "forallvalues:StringEquals",
        "ForAllValues:ForAnyValue:StringEquals",
        "ForAllValue:StringEquals",
        "StringEqualsIfexists",
        "StringEqualsIfExistsIfExists",
        "NumericLess",
        "IpAddressIfExists:",
        "",
    ],
)
def test_unknown_names(name: str) -> None:
    assert not is_known_operator(name)


def test_parse_operator_parts() -> None:
    spec = parse_operator("ForAnyValue:StringNotLikeIfExists")
    assert spec is not None
    assert spec.qualifier is Qualifier.FOR_ANY_VALUE
    assert spec.base == "StringNotLike" and spec.positive == "StringLike"
    assert spec.negated and spec.if_exists


def test_unknown_operator_raises_with_aws_message(clause: Build) -> None:
    with pytest.raises(MalformedPolicyDocument) as caught:
        clause("stringEquals", "aws:username", "alice")
    assert caught.value.message == "Invalid Condition type : stringEquals"
    assert caught.value.position is not None


def test_empty_value_list(clause: Build) -> None:
    assert clause("StringEquals", "k").evaluate({"k": "a"}) is False
    assert clause("StringNotEquals", "k").evaluate({"k": "a"}) is True
    assert clause("NumericLessThan", "k").evaluate({"k": "1"}) is False


def test_keys_and_repr(clause: Build) -> None:
    compiled = clause("StringEquals", "AWS:UserName", "x")
    assert compiled.keys == frozenset({"aws:username"})
    assert compiled.operator == "StringEquals"
    assert "aws:username" in repr(compiled)
