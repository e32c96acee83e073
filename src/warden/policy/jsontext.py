"""A small JSON reader that remembers where every value was written.

`json.loads` gives values but forgets positions, and validation findings must
point back into the policy text. This reader returns the same values as
`json.loads` (dict, list, str, int, float, bool, None) plus a map from JSON path
(`Statement[1].Condition.StringEquals`) to the 1-based line and column where
the value starts, and the literal text of every number (policy conditions
compare numbers as the text the author wrote).

It is strict where Python's `json` module is lenient: `NaN`, `Infinity` and
control characters inside strings are rejected, as RFC 8259 requires. Nesting
is capped (`MAX_DEPTH`) so hostile input cannot exhaust the stack.

Duplicate object keys: RFC 8259 leaves them undefined and IAM Access Analyzer
reports them as an error, because two readers of the same text may keep
different values (a silent change of meaning). The reader records every
duplicate in `ParsedJson.duplicate_keys`; `parse_policy` rejects them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "JsonSyntaxError",
    "ParsedJson",
    "from_python",
    "join_path",
    "parse_json",
]

MAX_DEPTH = 64

_WHITESPACE = " \t\n\r"
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class JsonSyntaxError(ValueError):
    """The text is not JSON; `line` and `column` (1-based) say where reading stopped."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message if line is None else f"{message} (line {line}, column {column})")
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class ParsedJson:
    """A parsed document: its value, where each value starts, and the raw text of numbers."""

    value: Any
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    number_texts: Mapping[str, str] = field(default_factory=dict)
    duplicate_keys: tuple[str, ...] = ()


def join_path(parent: str, key: str | int) -> str:
    """Extend a JSON path: `a.b`, `a[3]`, and `a["odd.key"]` for keys that are not identifiers."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _PLAIN_KEY.fullmatch(key):
        return f"{parent}.{key}" if parent else key
    quoted = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{parent}["{quoted}"]'


class _Reader:
    """Recursive descent over one string; depth is bounded by MAX_DEPTH."""

    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.pos = 0
        self.max_depth = max_depth
        self.positions: dict[str, tuple[int, int]] = {}
        self.number_texts: dict[str, str] = {}
        self.duplicates: list[str] = []
        # Line starts let us turn an offset into (line, column) lazily and cheaply.
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def location(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self._line_starts[lo] + 1

    def fail(self, message: str, offset: int | None = None) -> JsonSyntaxError:
        line, column = self.location(self.pos if offset is None else offset)
        return JsonSyntaxError(message, line, column)

    def skip_whitespace(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WHITESPACE:
            pos += 1
        self.pos = pos

    def document(self) -> Any:
        self.skip_whitespace()
        value = self.value("", 0)
        self.skip_whitespace()
        if self.pos != len(self.text):
            raise self.fail("Extra data after the JSON value")
        return value

    def value(self, path: str, depth: int) -> Any:
        if self.pos >= len(self.text):
            raise self.fail("Expected a JSON value")
        self.positions[path] = self.location(self.pos)
        char = self.text[self.pos]
        if char == "{":
            return self.object(path, depth + 1)
        if char == "[":
            return self.array(path, depth + 1)
        if char == '"':
            return self.string()
        for word, result in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.fail(f"Unexpected character {char!r}")
        self.pos = match.end()
        literal = match.group()
        self.number_texts[path] = literal
        if any(c in literal for c in ".eE"):
            number = float(literal)
            if math.isinf(number):
                raise self.fail("Number out of range", match.start())
            return number
        if len(literal) > 4300:  # int() refuses longer digit strings; treat as malformed.
            raise self.fail("Number too long", match.start())
        return int(literal)

    def enter(self, depth: int) -> None:
        if depth > self.max_depth:
            raise self.fail(f"Nesting deeper than {self.max_depth} levels")
        self.pos += 1
        self.skip_whitespace()

    def object(self, path: str, depth: int) -> dict[str, Any]:
        self.enter(depth)
        result: dict[str, Any] = {}
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return result
        while True:
            if not self.text.startswith('"', self.pos):
                raise self.fail("Expected a string key")
            key = self.string()
            child = join_path(path, key)
            if key in result:
                self.duplicates.append(child)
            self.skip_whitespace()
            if not self.text.startswith(":", self.pos):
                raise self.fail("Expected ':' after an object key")
            self.pos += 1
            self.skip_whitespace()
            result[key] = self.value(child, depth)
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                self.skip_whitespace()
                continue
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return result
            raise self.fail("Expected ',' or '}' in an object")

    def array(self, path: str, depth: int) -> list[Any]:
        self.enter(depth)
        result: list[Any] = []
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return result
        while True:
            result.append(self.value(join_path(path, len(result)), depth))
            self.skip_whitespace()
            if self.text.startswith(",", self.pos):
                self.pos += 1
                self.skip_whitespace()
                continue
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return result
            raise self.fail("Expected ',' or ']' in an array")

    def string(self) -> str:
        start = self.pos
        self.pos += 1
        text = self.text
        parts: list[str] = []
        while True:
            end = self.pos
            while end < len(text) and text[end] not in '"\\' and text[end] >= " ":
                end += 1
            parts.append(text[self.pos : end])
            self.pos = end
            if end >= len(text):
                raise self.fail("Unterminated string", start)
            char = text[end]
            if char == '"':
                self.pos += 1
                return "".join(parts)
            if char != "\\":
                raise self.fail("Control character in a string")
            parts.append(self.escape())

    def escape(self) -> str:
        code = self.text[self.pos + 1 : self.pos + 2]
        if code in _ESCAPES:
            self.pos += 2
            return _ESCAPES[code]
        if code != "u":
            raise self.fail("Invalid escape in a string")
        unit = self.hex4(self.pos + 2)
        self.pos += 6
        if 0xD800 <= unit <= 0xDBFF and self.text.startswith("\\u", self.pos):
            low = self.hex4(self.pos + 2)
            if 0xDC00 <= low <= 0xDFFF:
                self.pos += 6
                return chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        return chr(unit)  # a lone surrogate, as json.loads returns it

    def hex4(self, offset: int) -> int:
        digits = self.text[offset : offset + 4]
        if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise self.fail("Invalid \\u escape", offset)
        return int(digits, 16)


def parse_json(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> ParsedJson:
    """Read one JSON document; raise `JsonSyntaxError` for anything RFC 8259 rejects."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonSyntaxError("The document is not valid UTF-8") from exc
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the document
    reader = _Reader(text, max_depth)
    value = reader.document()
    return ParsedJson(value, reader.positions, reader.number_texts, tuple(reader.duplicates))


def from_python(value: Any, *, max_depth: int = MAX_DEPTH) -> Any:
    """Check a Python object is plain JSON data and return a copy made of dict/list/str/int/float/bool/None.

    A caller may hand over any object; everything that `json.dumps` would
    refuse (or silently change: non-string keys, NaN) is a `JsonSyntaxError`.
    """
    return _copy(value, 0, max_depth, "")


def _copy(value: Any, depth: int, max_depth: int, path: str) -> Any:
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise JsonSyntaxError(f"Non-finite number at {path or 'the top level'}")
        return float(value)
    if depth >= max_depth:
        raise JsonSyntaxError(f"Nesting deeper than {max_depth} levels")
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise JsonSyntaxError(f"Object key {key!r} is not a string")
            result[key] = _copy(item, depth + 1, max_depth, join_path(path, key))
        return result
    if isinstance(value, (list, tuple)):
        return [_copy(item, depth + 1, max_depth, join_path(path, i)) for i, item in enumerate(value)]
    raise JsonSyntaxError(f"Value of type {type(value).__name__} at {path or 'the top level'} is not JSON")
