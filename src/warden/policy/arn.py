"""ARNs: the value type, and matching of ARN patterns component by component.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
(`arn:partition:service:region:account-id:resource`; the resource part may
itself contain colons and slashes; S3 bucket ARNs leave region and account
empty) and the ARN condition operators in
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
("each of the six colon-delimited components of the ARN is checked separately
and each can include multi-character match wildcards (*) or single-character
match wildcards (?)"). Matching is case-sensitive.
"""

from __future__ import annotations

from dataclasses import dataclass

from .variables import Context, Segment, SegmentKind, Template, compile_template
from .wildcard import Matcher, cached_regex, compile_pattern, glob_to_regex

__all__ = [
    "Arn",
    "ArnTemplateMatcher",
    "compile_arn_pattern",
    "compile_arn_template",
    "compile_resource_pattern",
    "split_arn",
]

_COMPONENTS = 6


def split_arn(text: str) -> list[str] | None:
    """The six components of an ARN-shaped string, or None when it has fewer than six."""
    parts = text.split(":", _COMPONENTS - 1)
    return parts if len(parts) == _COMPONENTS else None


@dataclass(frozen=True, slots=True)
class Arn:
    """A parsed ARN. `resource` is everything after the fifth colon, colons included."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str) -> Arn:
        """Parse `text`; raises ValueError naming the text when it is not an ARN."""
        parts = split_arn(text)
        if parts is None or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
            raise ValueError(f"Invalid ARN: {text!r}")
        return cls(parts[1], parts[2], parts[3], parts[4], parts[5])

    @classmethod
    def try_parse(cls, text: str) -> Arn | None:
        """Like `parse`, but None instead of an exception."""
        try:
            return cls.parse(text)
        except ValueError:
            return None

    @property
    def resource_type(self) -> str:
        """The resource part up to its first `/` or `:` (`user` in `user/path/name`), or '' when it has none."""
        for index, char in enumerate(self.resource):
            if char == "/" or char == ":":
                return self.resource[:index]
        return ""

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def _never(_: str) -> bool:
    return False


def _always(_: str) -> bool:
    return True


def _component_matcher(parts: list[str]) -> Matcher:
    """Match six components with one regex: wildcards in the first five never cross a colon."""
    if not any(("*" in part or "?" in part) for part in parts):
        return ":".join(parts).__eq__
    source = ":".join(
        [glob_to_regex(part, colon_free=True) for part in parts[:-1]] + [glob_to_regex(parts[-1])]
    )
    fullmatch = cached_regex(source, False).fullmatch
    return lambda value: fullmatch(value) is not None


def compile_arn_pattern(pattern: str) -> Matcher:
    """Matcher for an `ArnLike`/`ArnEquals` value: six components each, or nothing matches."""
    parts = split_arn(pattern)
    if parts is None:
        return _never
    return _component_matcher(parts)


def compile_resource_pattern(pattern: str) -> Matcher:
    """Matcher for a `Resource`/`NotResource` value against a request resource.

    `*` alone matches every resource (ARN or not). A six-component pattern is
    matched component by component, like `ArnLike`. Anything else (a pattern
    that is not ARN-shaped, used for resources that are not ARNs) is matched as
    a whole string with the same wildcards.
    """
    if pattern == "*":
        return _always
    parts = split_arn(pattern)
    if parts is None:
        return compile_pattern(pattern, ignore_case=False)
    return _component_matcher(parts)


def _split_segments(segments: tuple[Segment, ...]) -> list[list[Segment]]:
    """Split template segments at the colons of the policy text (never inside a variable)."""
    components: list[list[Segment]] = [[]]
    for segment in segments:
        if segment.kind is not SegmentKind.TEXT or len(components) == _COMPONENTS:
            components[-1].append(segment)
            continue
        pieces = segment.text.split(":", _COMPONENTS - len(components))
        for number, piece in enumerate(pieces):
            if number:
                components.append([])
            if piece:
                components[-1].append(Segment(SegmentKind.TEXT, piece))
    return components


def _template_of(segments: list[Segment]) -> Template:
    source = "".join(s.text for s in segments)
    keys = frozenset(s.key for s in segments if s.kind is SegmentKind.VARIABLE)
    return Template(source, tuple(segments), keys)


def _static_regex_matcher(template: Template) -> Matcher:
    if all(s.kind is SegmentKind.TEXT for s in template.segments):
        return compile_pattern(template.literal_text(), ignore_case=False)
    source = template.render_regex({})
    assert source is not None  # a static template always renders
    fullmatch = cached_regex(source, False).fullmatch
    return lambda value: fullmatch(value) is not None


class ArnTemplateMatcher:
    """An ARN pattern that may hold policy variables; compiled once, matched per request.

    Components without variables are precompiled; components with variables
    are rendered per request into a regex taken from a bounded cache.
    """

    __slots__ = ("_components", "_static", "_whole", "keys", "source")

    def __init__(self, source: str, template: Template, *, whole_string_fallback: bool) -> None:
        self.source = source
        self.keys: frozenset[str] = template.keys
        self._static: Matcher | None = None
        self._whole: Template | None = None
        self._components: tuple[tuple[Template, Matcher | None], ...] = ()
        components = _split_segments(template.segments)
        if len(components) != _COMPONENTS:
            if not whole_string_fallback:
                self._static = _never
            elif template.is_static:
                self._static = _always if source == "*" else _static_regex_matcher(template)
            else:
                self._whole = template
            return
        built: list[tuple[Template, Matcher | None]] = []
        for segments in components:
            part = _template_of(segments)
            built.append((part, _static_regex_matcher(part) if part.is_static else None))
        self._components = tuple(built)
        if template.is_static and all(
            s.kind is SegmentKind.TEXT for segments in components for s in segments
        ):
            self._static = _component_matcher(["".join(s.text for s in segments) for segments in components])
        elif template.is_static:
            matchers = [m for _, m in built if m is not None]

            def static(value: str) -> bool:
                candidate = value.split(":", _COMPONENTS - 1)
                if len(candidate) != _COMPONENTS:
                    return False
                for test, piece in zip(matchers, candidate):
                    if not test(piece):
                        return False
                return True

            self._static = static

    def matches(self, value: str, ctx: Context) -> bool:
        """True when `value` matches; a variable without a value makes it not match."""
        if self._static is not None:
            return self._static(value)
        if self._whole is not None:
            source = self._whole.render_regex(ctx)
            return source is not None and cached_regex(source, False).fullmatch(value) is not None
        candidate = value.split(":", _COMPONENTS - 1)
        if len(candidate) != _COMPONENTS:
            return False
        for (part, test), piece in zip(self._components, candidate):
            if test is not None:
                if not test(piece):
                    return False
                continue
            source = part.render_regex(ctx)
            if source is None or cached_regex(source, False).fullmatch(piece) is None:
                return False
        return True


def compile_arn_template(
    pattern: str, *, variables_enabled: bool, resource_element: bool = False
) -> ArnTemplateMatcher:
    """Compile an ARN pattern that may contain policy variables.

    `resource_element=True` gives `Resource` semantics (`*` and non-ARN
    patterns match as whole strings); otherwise `ArnLike` semantics (a pattern
    without six components matches nothing).
    """
    template = compile_template(pattern, variables_enabled=variables_enabled)
    return ArnTemplateMatcher(pattern, template, whole_string_fallback=resource_element)
