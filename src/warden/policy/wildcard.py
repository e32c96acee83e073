"""`*` and `?` matching, compiled once per pattern.

IAM uses the same two wildcards everywhere (actions, resources, `StringLike`,
`ArnLike`): `*` matches any run of characters, including none, and `?` matches
exactly one character. Nothing else is special, so every other character is
matched literally. Patterns are compiled to the cheapest test that answers the
question: an equality, a prefix or suffix check, or a regular expression only
when the wildcards sit in the middle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

__all__ = ["Matcher", "cached_regex", "compile_pattern", "glob_to_regex", "has_wildcards"]

Matcher = Callable[[str], bool]


def has_wildcards(pattern: str) -> bool:
    """True when the pattern has a `*` or a `?`, i.e. it is not a plain literal."""
    return "*" in pattern or "?" in pattern


def glob_to_regex(pattern: str, *, colon_free: bool = False) -> str:
    """Regex source (unanchored) equivalent to an IAM wildcard pattern.

    `colon_free=True` keeps wildcards inside one ARN component (they never match `:`).
    """
    star, one = ("[^:]*", "[^:]") if colon_free else (".*", ".")
    parts: list[str] = []
    literal_start = 0
    for index, char in enumerate(pattern):
        if char == "*" or char == "?":
            if literal_start < index:
                parts.append(re.escape(pattern[literal_start:index]))
            if char == "*":
                # Collapse runs of `*`: `a**b` means the same as `a*b` and keeps the regex linear.
                if not parts or parts[-1] != star:
                    parts.append(star)
            else:
                parts.append(one)
            literal_start = index + 1
    if literal_start < len(pattern):
        parts.append(re.escape(pattern[literal_start:]))
    return "".join(parts)


@lru_cache(maxsize=4096)
def cached_regex(source: str, ignore_case: bool) -> re.Pattern[str]:
    """Compile a regex once; bounded so that request-dependent patterns cannot grow memory."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(source, flags)


def _always(_: str) -> bool:
    return True


def compile_pattern(pattern: str, *, ignore_case: bool) -> Matcher:
    """Compile `pattern` into a predicate over the whole candidate string.

    Fast paths: `*` alone, a literal, `prefix*` and `*suffix`. Anything else
    becomes one precompiled regex, so no evaluation ever compiles a regex.
    """
    if pattern and pattern.strip("*") == "":
        return _always
    stars = pattern.count("*")
    if "?" not in pattern and stars <= 1:
        if ignore_case:
            folded = pattern.lower()
            if stars == 0:
                return lambda value: value.lower() == folded
            if folded.endswith("*"):
                prefix = folded[:-1]
                return lambda value: value.lower().startswith(prefix)
            if folded.startswith("*"):
                suffix = folded[1:]
                return lambda value: value.lower().endswith(suffix)
        else:
            if stars == 0:
                return pattern.__eq__
            if pattern.endswith("*"):
                prefix = pattern[:-1]
                return lambda value: value.startswith(prefix)
            if pattern.startswith("*"):
                suffix = pattern[1:]
                return lambda value: value.endswith(suffix)
    fullmatch = cached_regex(glob_to_regex(pattern), ignore_case).fullmatch
    return lambda value: fullmatch(value) is not None
