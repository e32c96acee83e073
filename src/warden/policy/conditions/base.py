"""Shared shapes of the condition operator families.

Every family compiles the policy values of one clause into a `ValueTest`: a
function of one request value that answers the *positive* question ("does it
equal / match / fall inside any policy value?"). Negation, `IfExists` and the
`ForAllValues`/`ForAnyValue` qualifiers are applied on top of it, once, in
`clause.py`, so that every family gets them with the same semantics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..ast import Position
from ..errors import MalformedPolicyDocument
from ..variables import Context

__all__ = ["FamilyBuild", "ValueTest", "invalid_value"]

# True: matches a policy value. False: matches none. None: the request value is
# not of the operator's type (not a number, not a date...) and so is comparable
# with nothing, for the positive and the negated operator alike.
ValueTest = Callable[[str, Context], bool | None]


@dataclass(frozen=True, slots=True)
class FamilyBuild:
    """What a family returns: the test and the context keys its policy values read through variables."""

    test: ValueTest
    variable_keys: frozenset[str] = frozenset()


def invalid_value(
    operator: str, key: str, value: str, expected: str, position: Position
) -> MalformedPolicyDocument:
    """The error for a policy value that the operator cannot accept."""
    return MalformedPolicyDocument(
        f"Invalid Condition value {value!r} for {operator} on key {key}: expected {expected}.",
        position,
    )
