"""Translate the Java regular expressions in AWS models into Python `re` patterns.

AWS validates `pattern` constraints with java.util.regex, and the models keep Java's syntax:
Unicode property classes (`\\p{L}`), UTF-16 surrogate pairs for astral ranges
(`\\uD800\\uDC00-\\uDBFF\\uDFFF`), and an ASCII-only `\\w`. Python's `re` lacks the first two and
makes `\\w` Unicode-aware, so a literal compile would either fail or accept names AWS rejects.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

__all__ = ["compile_model_pattern"]

_SURROGATE_PAIR = re.compile(r"\\u(D[89AB][0-9A-Fa-f]{2})\\u(D[C-F][0-9A-Fa-f]{2})", re.IGNORECASE)
_PROPERTY = re.compile(r"\\([pP])\{(\w+)\}")


def _astral(match: re.Match[str]) -> str:
    high = int(match.group(1), 16)
    low = int(match.group(2), 16)
    code_point = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    return f"\\U{code_point:08X}"


@cache
def _category_table() -> dict[str, str]:
    """Character-class bodies per general category (`Lu`) and major class (`L`), built in one pass."""
    runs: dict[str, list[list[int]]] = {}
    for code_point in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code_point))
        for key in (category, category[0]):
            spans = runs.setdefault(key, [])
            if spans and spans[-1][1] == code_point - 1:
                spans[-1][1] = code_point
            else:
                spans.append([code_point, code_point])
    return {
        key: "".join(
            f"\\U{start:08X}" if start == end else f"\\U{start:08X}-\\U{end:08X}" for start, end in spans
        )
        for key, spans in runs.items()
    }


def _in_class(pattern: str, position: int) -> bool:
    """Whether `position` lies inside a `[...]` set (escape-aware, no nested sets in AWS models)."""
    depth = 0
    index = 0
    while index < position:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        index += 1
    return depth > 0


def _expand_properties(pattern: str) -> str:
    out: list[str] = []
    last = 0
    for match in _PROPERTY.finditer(pattern):
        negated, name = match.group(1) == "P", match.group(2)
        body = _category_table().get(name)
        if body is None:
            raise ValueError(f"unsupported Unicode property \\p{{{name}}} in model pattern {pattern!r}")
        if _in_class(pattern, match.start()):
            if negated:
                raise ValueError(f"negated property inside a set is not supported: {pattern!r}")
            replacement = body
        else:
            replacement = f"[{'^' if negated else ''}{body}]"
        out.append(pattern[last : match.start()])
        out.append(replacement)
        last = match.end()
    out.append(pattern[last:])
    return "".join(out)


@cache
def compile_model_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a model `pattern` for use with `fullmatch`, with Java's semantics where they differ."""
    translated = _SURROGATE_PAIR.sub(_astral, pattern)
    translated = _expand_properties(translated)
    return re.compile(translated, re.ASCII)
