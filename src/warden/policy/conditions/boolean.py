"""The Bool operator.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean

Policy values are `true` or `false` (JSON booleans arrive here as those
strings); they compare case-insensitively, and a request value that is neither
matches nothing. The operator page allows policy variables with Bool, so a
value holding a variable is resolved per request.
"""

from __future__ import annotations

from ..ast import Position
from ..variables import Context, compile_template
from .base import FamilyBuild, invalid_value

__all__ = ["build_bool"]

_BOOLEANS = frozenset({"true", "false"})


def build_bool(
    operator: str, key: str, values: tuple[str, ...], *, variables_enabled: bool, position: Position
) -> FamilyBuild:
    """Compile a Bool clause."""
    static: set[str] = set()
    dynamic = []
    for value in values:
        template = compile_template(value, variables_enabled=variables_enabled)
        if not template.is_static:
            dynamic.append(template)
            continue
        folded = value.lower()
        if folded not in _BOOLEANS:
            raise invalid_value(operator, key, value, "true or false", position)
        static.add(folded)
    accepted = frozenset(static)
    templates = tuple(dynamic)

    def test(value: str, ctx: Context) -> bool | None:
        folded = value.lower()
        if folded not in _BOOLEANS:
            return None
        if folded in accepted:
            return True
        for template in templates:
            rendered = template.render(ctx)
            if rendered is not None and rendered.lower() == folded:
                return True
        return False

    keys = frozenset().union(*(t.keys for t in templates)) if templates else frozenset()
    return FamilyBuild(test, keys)
