"""One compiled condition clause: an operator, a key and its values, ready to evaluate.

The semantics applied on top of every family's positive test:

- Absent key: "If the key that you specify in a policy condition is not
  present in the request context, the values do not match and the condition is
  false. If the policy condition requires that the key is not matched, such as
  StringNotLike or ArnNotLike, and the right key is not present, the condition
  is true"; `...IfExists` makes an absent key true
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
- Several policy values are OR'd; for a negated operator they are NOR'd: the
  negated condition holds when the request value matches none of them
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html).
- ForAllValues: every request value must pass; true when the key is absent or
  its value set is empty. ForAnyValue: at least one request value must pass;
  false when absent or empty. "If the key values in the request resolve to an
  empty data set (for example, an empty string), a condition operator modified
  by ForAllValues returns true, and a condition operator modified by
  ForAnyValue returns false" (same page), so an empty string counts as an
  empty set under a qualifier. Under a qualifier a negated operator asks, per
  request value, whether it matches none of the policy values: so
  ForAllValues:StringNotEquals holds when no request value is in the list and
  ForAnyValue:StringNotEquals when at least one is not.
- A plain operator on a multivalued request value: AWS says multivalued keys
  "require a condition set operator"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html)
  and documents no other rule. warden's choice: a positive operator holds when
  any request value matches (as ForAnyValue), and a negated operator is its
  exact negation, holding when no request value matches (an empty list
  therefore gives false and true respectively).
- A request value of the wrong type (a non-number for Numeric...) is
  comparable with nothing: it fails the positive and the negated test alike.
- Policy variables without a value: operators "like StringEquals or StringLike
  do not match", while "inverted condition operators like StringNotEquals or
  StringNotLike do match against a null value"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value).
  That follows here from the NOR rule: an unresolved policy value matches no
  request value.
- Null: `true` holds when the key is absent (or is an empty list), `false`
  when it is present with a value.
"""

from __future__ import annotations

from collections.abc import Callable

from ..variables import Context
from .base import ValueTest
from .operators import Qualifier

__all__ = ["CompiledClause", "make_evaluator", "make_null_evaluator"]

Evaluator = Callable[[Context], bool]


class CompiledClause:
    """A condition clause compiled once; `evaluate(ctx)` is a single closure call."""

    __slots__ = ("evaluate", "key", "keys", "operator")

    def __init__(self, operator: str, key: str, keys: frozenset[str], evaluate: Evaluator) -> None:
        self.operator = operator
        self.key = key  # lowercased
        self.keys = keys  # every lowercased context key the clause reads
        self.evaluate: Evaluator = evaluate

    def __repr__(self) -> str:
        return f"CompiledClause({self.operator!r}, {self.key!r})"


def make_evaluator(
    key: str, test: ValueTest, *, negated: bool, qualifier: Qualifier, if_exists: bool
) -> Evaluator:
    """Build the evaluation closure for one clause of a non-Null operator."""
    if if_exists or qualifier is Qualifier.FOR_ALL_VALUES:
        when_absent = True
    elif qualifier is Qualifier.FOR_ANY_VALUE:
        when_absent = False
    else:
        when_absent = negated

    if qualifier is Qualifier.NONE:

        def plain(ctx: Context) -> bool:
            value = ctx.get(key)
            if value is None:
                return when_absent
            if isinstance(value, str):
                result = test(value, ctx)
                return result is not None and result is not negated
            if negated:
                return all(test(item, ctx) is False for item in value)
            return any(test(item, ctx) is True for item in value)

        return plain

    # Under a qualifier each request value passes when the positive test gives
    # `wanted` (True, or False for a negated operator); None never passes.
    wanted = not negated
    if qualifier is Qualifier.FOR_ALL_VALUES:

        def for_all(ctx: Context) -> bool:
            value = ctx.get(key)
            if value is None:
                return when_absent
            if isinstance(value, str):
                return value == "" or test(value, ctx) is wanted
            return all(test(item, ctx) is wanted for item in value)

        return for_all

    def for_any(ctx: Context) -> bool:
        value = ctx.get(key)
        if value is None:
            return when_absent
        if isinstance(value, str):
            return value != "" and test(value, ctx) is wanted
        return any(test(item, ctx) is wanted for item in value)

    return for_any


def make_null_evaluator(key: str, accepted: frozenset[bool]) -> Evaluator:
    """`Null`: compares "is the key absent?" with the policy's true/false values (OR'd)."""
    if accepted == frozenset({True, False}):
        return lambda ctx: True

    def null(ctx: Context) -> bool:
        value = ctx.get(key)
        return (value is None or value == ()) in accepted

    return null
