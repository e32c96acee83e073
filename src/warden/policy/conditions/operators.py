"""Condition operator names: `[ForAllValues:|ForAnyValue:]Base[IfExists]`.

Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
(the operator list; "You can add IfExists to the end of any condition operator
name except the Null condition") and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
(the ForAllValues / ForAnyValue qualifiers).

Names are case-sensitive: IAM rejects `stringEquals` with
"Invalid Condition type : stringEquals" (observed in
https://github.com/ministryofjustice/modernisation-platform-environments/pull/8893).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

__all__ = ["BASE_OPERATORS", "Family", "OperatorName", "Qualifier", "parse_operator"]


class Qualifier(Enum):
    NONE = ""
    FOR_ALL_VALUES = "ForAllValues"
    FOR_ANY_VALUE = "ForAnyValue"


class Family(Enum):
    STRING = "string"
    NUMERIC = "numeric"
    DATE = "date"
    BOOL = "bool"
    BINARY = "binary"
    IP = "ip"
    ARN = "arn"
    NULL = "null"


# Base operator -> (family, negated, positive base operator).
BASE_OPERATORS: dict[str, tuple[Family, bool, str]] = {
    "StringEquals": (Family.STRING, False, "StringEquals"),
    "StringNotEquals": (Family.STRING, True, "StringEquals"),
    "StringEqualsIgnoreCase": (Family.STRING, False, "StringEqualsIgnoreCase"),
    "StringNotEqualsIgnoreCase": (Family.STRING, True, "StringEqualsIgnoreCase"),
    "StringLike": (Family.STRING, False, "StringLike"),
    "StringNotLike": (Family.STRING, True, "StringLike"),
    "NumericEquals": (Family.NUMERIC, False, "NumericEquals"),
    "NumericNotEquals": (Family.NUMERIC, True, "NumericEquals"),
    "NumericLessThan": (Family.NUMERIC, False, "NumericLessThan"),
    "NumericLessThanEquals": (Family.NUMERIC, False, "NumericLessThanEquals"),
    "NumericGreaterThan": (Family.NUMERIC, False, "NumericGreaterThan"),
    "NumericGreaterThanEquals": (Family.NUMERIC, False, "NumericGreaterThanEquals"),
    "DateEquals": (Family.DATE, False, "DateEquals"),
    "DateNotEquals": (Family.DATE, True, "DateEquals"),
    "DateLessThan": (Family.DATE, False, "DateLessThan"),
    "DateLessThanEquals": (Family.DATE, False, "DateLessThanEquals"),
    "DateGreaterThan": (Family.DATE, False, "DateGreaterThan"),
    "DateGreaterThanEquals": (Family.DATE, False, "DateGreaterThanEquals"),
    "Bool": (Family.BOOL, False, "Bool"),
    "BinaryEquals": (Family.BINARY, False, "BinaryEquals"),
    "IpAddress": (Family.IP, False, "IpAddress"),
    "NotIpAddress": (Family.IP, True, "IpAddress"),
    "ArnEquals": (Family.ARN, False, "ArnEquals"),
    "ArnLike": (Family.ARN, False, "ArnLike"),
    "ArnNotEquals": (Family.ARN, True, "ArnEquals"),
    "ArnNotLike": (Family.ARN, True, "ArnLike"),
    "Null": (Family.NULL, False, "Null"),
}

_IF_EXISTS = "IfExists"


@dataclass(frozen=True, slots=True)
class OperatorName:
    """A parsed operator name. `positive` is the base operator with its negation removed."""

    written: str
    qualifier: Qualifier
    base: str
    if_exists: bool
    family: Family
    negated: bool
    positive: str


@lru_cache(maxsize=512)
def parse_operator(name: str) -> OperatorName | None:
    """Parse an operator name exactly as written; None when IAM would not know it."""
    rest = name
    qualifier = Qualifier.NONE
    for candidate in (Qualifier.FOR_ALL_VALUES, Qualifier.FOR_ANY_VALUE):
        prefix = candidate.value + ":"
        if rest.startswith(prefix):
            qualifier = candidate
            rest = rest[len(prefix) :]
            break
    if_exists = False
    if rest not in BASE_OPERATORS and rest.endswith(_IF_EXISTS):
        rest = rest[: -len(_IF_EXISTS)]
        if_exists = True
    spec = BASE_OPERATORS.get(rest)
    if spec is None:
        return None
    family, negated, positive = spec
    if family is Family.NULL and (if_exists or qualifier is not Qualifier.NONE):
        return None
    return OperatorName(name, qualifier, rest, if_exists, family, negated, positive)
