"""Comparison operators over ordered values, shared by the Numeric and Date families.

Because several policy values for one key are OR'd, `x < v1 or x < v2` is
`x < max(v1, v2)`: each operator reduces its policy values once, at compile
time, to a set (equality) or a single bound (ordering).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from ..variables import Context
from .base import ValueTest

__all__ = ["ordered_test"]

T = TypeVar("T", int, Decimal)


def ordered_test(relation: str, policy_values: list[T], parse: Callable[[str], T | None]) -> ValueTest:
    """A ValueTest for `relation` (Equals, LessThan, LessThanEquals, GreaterThan, GreaterThanEquals)."""
    if relation == "Equals":
        members = frozenset(policy_values)

        def equals(value: str, ctx: Context) -> bool | None:
            parsed = parse(value)
            return None if parsed is None else parsed in members

        return equals
    if relation in ("LessThan", "LessThanEquals"):
        upper = max(policy_values)
        strict = relation == "LessThan"

        def below(value: str, ctx: Context) -> bool | None:
            parsed = parse(value)
            if parsed is None:
                return None
            return parsed < upper if strict else parsed <= upper

        return below
    lower = min(policy_values)
    strict = relation == "GreaterThan"

    def above(value: str, ctx: Context) -> bool | None:
        parsed = parse(value)
        if parsed is None:
            return None
        return parsed > lower if strict else parsed >= lower

    return above
