"""Policy variables: `${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

- A variable names any request-context key, case-insensitively; its value
  replaces it when the policy is evaluated.
- `${*}`, `${?}` and `${$}` stand for a literal `*`, `?` and `$`: characters
  that a policy could not otherwise express where wildcards are active.
- A default follows the key after a comma, in single quotes
  (`${aws:userid, 'anonymous'}`); a quote inside it is written twice.
- Only single-valued keys can be variables ("you can't use a multivalued
  context key as a policy variable",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html),
  so a key holding a list resolves like an absent key.
- Substituted text is literal: a value or escape that contains `*` is never a
  wildcard. That is the only reading under which `${*}` is useful.
- Variables exist only under Version 2012-10-17; otherwise the text is literal.

Text that looks like a variable but is not well formed (`${`, `${}`,
`${key, unquoted}`) stays literal text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from .wildcard import glob_to_regex

__all__ = ["Context", "Segment", "SegmentKind", "Template", "compile_template", "has_variables"]

Context = Mapping[str, str | tuple[str, ...]]

_ESCAPES = {"*": "*", "?": "?", "$": "$"}

# `${` key [ `,` `'` default `'` ] `}`; the key cannot hold a brace, comma or quote.
_VARIABLE = re.compile(
    r"""\$\{\s*
        (?P<key>[^{}',\s][^{}',]*?)\s*
        (?:,\s*'(?P<default>(?:[^']|'')*)'\s*)?
        \}""",
    re.VERBOSE,
)


class SegmentKind(Enum):
    TEXT = "text"  # policy text: wildcards in it stay wildcards
    LITERAL = "literal"  # from an escape such as ${*}: matched literally
    VARIABLE = "variable"  # replaced by a request-context value


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of a template. For a variable, `text` is the key as written and `key` is lowercased."""

    kind: SegmentKind
    text: str
    key: str = ""
    default: str | None = None


def _parse(text: str) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        if match.start() > position:
            segments.append(Segment(SegmentKind.TEXT, text[position : match.start()]))
        key = match.group("key")
        default = match.group("default")
        if key in _ESCAPES and default is None:
            segments.append(Segment(SegmentKind.LITERAL, _ESCAPES[key]))
        else:
            segments.append(
                Segment(
                    SegmentKind.VARIABLE,
                    key,
                    key=key.lower(),
                    default=None if default is None else default.replace("''", "'"),
                )
            )
        position = match.end()
    if position < len(text):
        segments.append(Segment(SegmentKind.TEXT, text[position:]))
    return tuple(segments)


def has_variables(text: str) -> bool:
    """True when `text` holds at least one well-formed `${...}` (a variable or an escape)."""
    return "${" in text and _VARIABLE.search(text) is not None


@dataclass(frozen=True, slots=True)
class Template:
    """A policy string split into text, literal escapes and variables; compiled once, rendered per request."""

    source: str
    segments: tuple[Segment, ...]
    keys: frozenset[str]
    # Regex fragments of the TEXT and LITERAL segments (None for variables), computed once.
    _fragments: tuple[str | None, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fragments = tuple(
            glob_to_regex(s.text)
            if s.kind is SegmentKind.TEXT
            else (re.escape(s.text) if s.kind is SegmentKind.LITERAL else None)
            for s in self.segments
        )
        object.__setattr__(self, "_fragments", fragments)

    @property
    def is_static(self) -> bool:
        """True when no segment depends on the request context."""
        return not self.keys

    def _value(self, segment: Segment, ctx: Context) -> str | None:
        value = ctx.get(segment.key)
        if isinstance(value, str):
            return value
        # Absent, or a multivalued key (which AWS does not substitute): the default, if any.
        return segment.default

    def render(self, ctx: Context) -> str | None:
        """The string with every variable replaced; None when a variable has no value and no default."""
        out: list[str] = []
        for segment in self.segments:
            if segment.kind is SegmentKind.VARIABLE:
                value = self._value(segment, ctx)
                if value is None:
                    return None
                out.append(value)
            else:
                out.append(segment.text)
        return "".join(out)

    def render_regex(self, ctx: Context) -> str | None:
        """Regex source for wildcard matching: wildcards only in policy text, substitutions literal."""
        out: list[str] = []
        for segment, fragment in zip(self.segments, self._fragments):
            if fragment is not None:
                out.append(fragment)
                continue
            value = self._value(segment, ctx)
            if value is None:
                return None
            out.append(re.escape(value))
        return "".join(out)

    def literal_text(self) -> str:
        """The text of a static template with escapes resolved (wildcards in TEXT kept as written)."""
        return "".join(segment.text for segment in self.segments)


def compile_template(text: str, *, variables_enabled: bool = True) -> Template:
    """Parse `text` once. With variables disabled (policy Version other than 2012-10-17) it is all text."""
    if not variables_enabled or "${" not in text:
        segments: tuple[Segment, ...] = (Segment(SegmentKind.TEXT, text),) if text else ()
        return Template(text, segments, frozenset())
    segments = _parse(text)
    keys = frozenset(s.key for s in segments if s.kind is SegmentKind.VARIABLE)
    return Template(text, segments, keys)
