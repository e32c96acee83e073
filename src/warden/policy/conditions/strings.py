"""String operators: StringEquals, StringEqualsIgnoreCase, StringLike and their negations.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String

Equality is exact and case-sensitive (or case-insensitive for the
`IgnoreCase` pair); only `StringLike`/`StringNotLike` treat `*` and `?` as
wildcards. Policy variables are allowed in all of them.
"""

from __future__ import annotations

from ..variables import Context, SegmentKind, Template, compile_template
from ..wildcard import cached_regex, has_wildcards
from .base import FamilyBuild, ValueTest

__all__ = ["build_string"]


def _templates(values: tuple[str, ...], variables_enabled: bool) -> list[Template]:
    return [compile_template(value, variables_enabled=variables_enabled) for value in values]


def _keys(templates: list[Template]) -> frozenset[str]:
    return frozenset().union(*(t.keys for t in templates)) if templates else frozenset()


def _equals(templates: list[Template], fold: bool) -> ValueTest:
    static: set[str] = set()
    dynamic: list[Template] = []
    for template in templates:
        if template.is_static:
            text = template.render({}) or ""
            static.add(text.lower() if fold else text)
        else:
            dynamic.append(template)
    exact = frozenset(static)
    if not dynamic:
        if fold:
            return lambda value, ctx: value.lower() in exact
        return lambda value, ctx: value in exact
    rendered_dynamic = tuple(dynamic)

    def test(value: str, ctx: Context) -> bool:
        candidate = value.lower() if fold else value
        if candidate in exact:
            return True
        for template in rendered_dynamic:
            rendered = template.render(ctx)
            if rendered is not None and (rendered.lower() if fold else rendered) == candidate:
                return True
        return False

    return test


def _like(templates: list[Template]) -> ValueTest:
    exact: set[str] = set()
    sources: list[str] = []
    dynamic: list[Template] = []
    for template in templates:
        if not template.is_static:
            dynamic.append(template)
        elif all(s.kind is SegmentKind.TEXT for s in template.segments) and not has_wildcards(
            template.source
        ):
            exact.add(template.source)
        else:
            source = template.render_regex({})
            sources.append(source or "")
    exact_set = frozenset(exact)
    combined = None
    if sources:
        # One alternation for all static wildcard values: a single C-level scan per request value.
        combined = cached_regex("|".join(f"(?:{s})" for s in sources), False).fullmatch
    if not dynamic:
        if combined is None:
            return lambda value, ctx: value in exact_set
        if not exact_set:
            single = combined
            return lambda value, ctx: single(value) is not None
        both = combined
        return lambda value, ctx: value in exact_set or both(value) is not None
    rendered_dynamic = tuple(dynamic)

    def test(value: str, ctx: Context) -> bool:
        if value in exact_set or (combined is not None and combined(value) is not None):
            return True
        for template in rendered_dynamic:
            source = template.render_regex(ctx)
            if source is not None and cached_regex(source, False).fullmatch(value) is not None:
                return True
        return False

    return test


def build_string(base: str, values: tuple[str, ...], *, variables_enabled: bool) -> FamilyBuild:
    """Compile the values of a String* clause (the operator name without `Not`, qualifier or IfExists)."""
    templates = _templates(values, variables_enabled)
    if base == "StringEquals":
        test = _equals(templates, fold=False)
    elif base == "StringEqualsIgnoreCase":
        test = _equals(templates, fold=True)
    else:
        test = _like(templates)
    return FamilyBuild(test, _keys(templates))
