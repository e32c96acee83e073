"""ARN operators: ArnEquals, ArnLike, ArnNotEquals, ArnNotLike.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN

`ArnEquals` and `ArnLike` behave identically (so do the two negations): each
of the six colon-delimited components is matched separately, case-sensitively,
with `*` and `?` wildcards that never cross a colon of the first five
components. A pattern or request value without six components does not match.
Policy variables are allowed.
"""

from __future__ import annotations

from ..arn import ArnTemplateMatcher, compile_arn_template
from ..variables import Context
from .base import FamilyBuild

__all__ = ["build_arn"]


def build_arn(values: tuple[str, ...], *, variables_enabled: bool) -> FamilyBuild:
    """Compile an Arn* clause."""
    matchers: tuple[ArnTemplateMatcher, ...] = tuple(
        compile_arn_template(value, variables_enabled=variables_enabled) for value in values
    )
    keys = frozenset().union(*(m.keys for m in matchers)) if matchers else frozenset()

    def test(value: str, ctx: Context) -> bool | None:
        for matcher in matchers:
            if matcher.matches(value, ctx):
                return True
        return False

    return FamilyBuild(test, keys)
