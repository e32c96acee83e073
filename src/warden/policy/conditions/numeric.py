"""Numeric operators: NumericEquals, NumericLessThan, ... and NumericNotEquals.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric

Values are integers or decimals, compared exactly (Decimal, never float), so
`10` equals `10.0`. A policy value that is not a number makes the policy
malformed; a request value that is not a number matches nothing (for the
negated operator too). Policy variables are not supported here (AWS: "You can
not use a policy variable with the Numeric condition operator").
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..ast import Position
from .base import FamilyBuild, invalid_value
from .ordered import ordered_test

__all__ = ["build_numeric", "parse_number"]

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@lru_cache(maxsize=2048)
def parse_number(text: str) -> Decimal | None:
    """The number in `text` (an integer or a decimal, optional sign and exponent), or None."""
    if _NUMBER.fullmatch(text) is None:
        return None
    return Decimal(text)


def build_numeric(
    operator: str, key: str, relation: str, values: tuple[str, ...], position: Position
) -> FamilyBuild:
    """Compile a Numeric clause; `relation` is the operator name without `Numeric`/`Not`."""
    parsed: list[Decimal] = []
    for value in values:
        number = parse_number(value)
        if number is None:
            raise invalid_value(operator, key, value, "a number", position)
        parsed.append(number)
    return FamilyBuild(ordered_test(relation, parsed, parse_number))
