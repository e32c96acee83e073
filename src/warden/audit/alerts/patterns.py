"""Amazon EventBridge event patterns, compiled once and matched against CloudTrail-shaped records.

Semantics follow the EventBridge user guide ("Event pattern syntax", "Comparison operators for use
in event patterns", "Arrays in event patterns", "Matching null values and empty strings"):

- fields of one object are ANDed; the values in a field's array are ORed;
- when the event's value is an array, the field matches if any element matches;
- a nested pattern object matches a nested event object (or any element of an array of objects);
- `exists` looks only at leaf values: an object is not a leaf, so `{"exists": false}` matches it;
- `$or` takes an array of sub-patterns, any of which may match.

Where the pages are silent, warden chooses: numbers compare numerically (3 equals 3.0) but never
equal strings or booleans; a plain anything-but matches any present value not listed, null
included, while its prefix/suffix/equals-ignore-case/wildcard forms match strings only; a pattern
must not be empty (it would alert on every event). Numeric bounds are limited to +/-5.0e9.

Validation raises `PatternError` whose message starts like EventBridge's InvalidEventPatternException.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["EventPattern", "PatternError", "compile_pattern"]

# "Numeric matching ... is limited to values between -5.0e9 and +5.0e9 inclusive."
NUMERIC_LIMIT = 5.0e9
_NUMERIC_OPS = ("=", "<", "<=", ">", ">=")
_STRING_OPS_WITH_IGNORE_CASE = ("prefix", "suffix")


class PatternError(ValueError):
    """An event pattern that EventBridge would refuse; the text names the offending part."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"Event pattern is not valid. Reason: {reason}")
        self.reason = reason


_ABSENT: tuple[Any, ...] = ()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _leaf_values(value: Any) -> tuple[Any, ...]:
    """The scalar values a field holds; objects are intermediate nodes, so they hold none."""
    if isinstance(value, Mapping):
        return _ABSENT
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            out.extend(_leaf_values(item))
        return tuple(out)
    return (value,)


def _same_value(expected: Any, actual: Any) -> bool:
    """JSON equality: strings, numbers (numerically), booleans and null never cross types."""
    if expected is None or isinstance(expected, bool):
        return actual is expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    return _is_number(actual) and float(actual) == float(expected)


class _Matcher(Protocol):
    def matches(self, values: tuple[Any, ...]) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Exact:
    value: Any

    def matches(self, values: tuple[Any, ...]) -> bool:
        return any(_same_value(self.value, v) for v in values)


@dataclass(frozen=True, slots=True)
class _Exists:
    wanted: bool

    def matches(self, values: tuple[Any, ...]) -> bool:
        return bool(values) is self.wanted


class _StringTest(Protocol):
    def test(self, text: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Prefix:
    text: str
    ignore_case: bool = False

    def test(self, text: str) -> bool:
        if self.ignore_case:
            return text.lower().startswith(self.text.lower())
        return text.startswith(self.text)


@dataclass(frozen=True, slots=True)
class _Suffix:
    text: str
    ignore_case: bool = False

    def test(self, text: str) -> bool:
        if self.ignore_case:
            return text.lower().endswith(self.text.lower())
        return text.endswith(self.text)


@dataclass(frozen=True, slots=True)
class _IgnoreCase:
    text: str

    def test(self, text: str) -> bool:
        return text.lower() == self.text.lower()


@dataclass(frozen=True, slots=True)
class _Wildcard:
    regex: re.Pattern[str]

    def test(self, text: str) -> bool:
        return self.regex.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class _StringMatcher:
    """Prefix, suffix, equals-ignore-case and wildcard apply to string values only."""

    check: _StringTest

    def matches(self, values: tuple[Any, ...]) -> bool:
        return any(isinstance(v, str) and self.check.test(v) for v in values)


@dataclass(frozen=True, slots=True)
class _AnythingBut:
    """Matches a present value unless it is excluded (by value, or by a string test)."""

    excluded: tuple[Any, ...] = ()
    check: _StringTest | None = None

    def _allowed(self, value: Any) -> bool:
        if self.check is not None:
            return isinstance(value, str) and not self.check.test(value)
        return not any(_same_value(e, value) for e in self.excluded)

    def matches(self, values: tuple[Any, ...]) -> bool:
        return any(self._allowed(v) for v in values)


@dataclass(frozen=True, slots=True)
class _Numeric:
    lower: tuple[float, bool] | None  # (bound, inclusive)
    upper: tuple[float, bool] | None

    def _test(self, value: Any) -> bool:
        if not _is_number(value):
            return False
        number = float(value)
        if self.lower is not None:
            bound, inclusive = self.lower
            if number < bound or (number == bound and not inclusive):
                return False
        if self.upper is not None:
            bound, inclusive = self.upper
            if number > bound or (number == bound and not inclusive):
                return False
        return True

    def matches(self, values: tuple[Any, ...]) -> bool:
        return any(self._test(v) for v in values)


@dataclass(frozen=True, slots=True)
class _Cidr:
    network: ipaddress.IPv4Network | ipaddress.IPv6Network

    def _test(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        return address.version == self.network.version and address in self.network

    def matches(self, values: tuple[Any, ...]) -> bool:
        return any(self._test(v) for v in values)


@dataclass(frozen=True, slots=True)
class _Leaf:
    matchers: tuple[_Matcher, ...]

    def matches(self, value: Any, present: bool) -> bool:
        values = _leaf_values(value) if present else _ABSENT
        return any(m.matches(values) for m in self.matchers)


@dataclass(frozen=True, slots=True)
class _Object:
    fields: tuple[tuple[str, _Leaf | _Object], ...]
    alternatives: tuple[tuple[_Object, ...], ...]  # each `$or` group: any member may match

    def matches(self, event: Mapping[str, Any]) -> bool:
        for name, node in self.fields:
            present = name in event
            value = event.get(name)
            if isinstance(node, _Leaf):
                if not node.matches(value, present):
                    return False
            elif not node.matches_value(value, present):
                return False
        return all(any(alt.matches(event) for alt in group) for group in self.alternatives)

    def matches_value(self, value: Any, present: bool) -> bool:
        """A nested pattern against the event's value: an object, or an array holding objects."""
        if isinstance(value, Mapping):
            return self.matches(value)
        if isinstance(value, list):
            return any(self.matches_value(item, True) for item in value)
        # Absent or a scalar: only a sub-pattern made of `exists: false` leaves can still match.
        return self.matches({})


def _require_string(operator: str, value: Any) -> str:
    if not isinstance(value, str):
        raise PatternError(f"{operator} match pattern must be a string")
    return value


def _ignore_case_or_text(operator: str, value: Any) -> tuple[str, bool]:
    """`{"prefix": "x"}` or `{"prefix": {"equals-ignore-case": "x"}}`."""
    if isinstance(value, Mapping):
        if list(value) != ["equals-ignore-case"]:
            raise PatternError(f"Unsupported {operator} pattern: {json.dumps(value)}")
        return _require_string(f"{operator} equals-ignore-case", value["equals-ignore-case"]), True
    return _require_string(operator, value), False


def _wildcard(value: Any) -> _Wildcard:
    text = _require_string("wildcard", value)
    parts: list[str] = []
    i = 0
    previous_star = False
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "*\\":
                raise PatternError(
                    f"Invalid escape in wildcard pattern {text!r}: only \\* and \\\\ are allowed"
                )
            parts.append(re.escape(text[i + 1]))
            i += 2
            previous_star = False
            continue
        if char == "*":
            if previous_star:
                raise PatternError(f"Consecutive wildcard characters are not allowed in {text!r}")
            parts.append(".*")
            previous_star = True
        else:
            parts.append(re.escape(char))
            previous_star = False
        i += 1
    return _Wildcard(re.compile("".join(parts), re.DOTALL))


def _string_test(operator: str, value: Any) -> _StringTest:
    if operator == "prefix":
        text, ignore_case = _ignore_case_or_text(operator, value)
        return _Prefix(text, ignore_case)
    if operator == "suffix":
        text, ignore_case = _ignore_case_or_text(operator, value)
        return _Suffix(text, ignore_case)
    if operator == "equals-ignore-case":
        return _IgnoreCase(_require_string(operator, value))
    if operator == "wildcard":
        return _wildcard(value)
    raise PatternError(f"Unrecognized match type {operator}")


class _AnyOf:
    """anything-but with a list of string tests: excluded if any test holds."""

    __slots__ = ("tests",)

    def __init__(self, tests: Sequence[_StringTest]) -> None:
        self.tests = tuple(tests)

    def test(self, text: str) -> bool:
        return any(t.test(text) for t in self.tests)


def _anything_but(value: Any) -> _AnythingBut:
    if isinstance(value, Mapping):
        if len(value) != 1:
            raise PatternError("anything-but takes exactly one nested match expression")
        ((operator, inner),) = value.items()
        if operator not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
            raise PatternError(f"Unsupported anything-but pattern: {operator}")
        if isinstance(inner, list) and operator in ("equals-ignore-case", "wildcard"):
            if not inner:
                raise PatternError(f"anything-but {operator} list must not be empty")
            return _AnythingBut(check=_AnyOf([_string_test(operator, item) for item in inner]))
        if isinstance(inner, Mapping):
            raise PatternError(f"Unsupported anything-but {operator} pattern: {json.dumps(inner)}")
        return _AnythingBut(check=_string_test(operator, inner))
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PatternError("anything-but list must not be empty")
    if all(isinstance(i, str) for i in items) or all(_is_number(i) for i in items):
        return _AnythingBut(excluded=tuple(items))
    raise PatternError(
        "Inside anything-but list, start|null|boolean is not supported; use all strings or all numbers"
    )


def _numeric(value: Any) -> _Numeric:
    if not isinstance(value, list) or not value or len(value) % 2:
        raise PatternError("Value of numeric must be an array of operator, number pairs")
    lower: tuple[float, bool] | None = None
    upper: tuple[float, bool] | None = None
    equal: float | None = None
    for op, number in zip(value[0::2], value[1::2], strict=True):
        if op not in _NUMERIC_OPS:
            raise PatternError(f"Unrecognized numeric range operator: {op}")
        if not _is_number(number):
            raise PatternError(f"Value of {op} must be a number")
        if not -NUMERIC_LIMIT <= float(number) <= NUMERIC_LIMIT:
            raise PatternError(f"Value of {op} must be between -5.0e9 and 5.0e9 inclusive")
        bound = float(number)
        if op == "=":
            if equal is not None or len(value) != 2:
                raise PatternError("numeric = cannot be combined with other operators")
            equal = bound
        elif op in (">", ">="):
            if lower is not None:
                raise PatternError("numeric range has more than one lower bound")
            lower = (bound, op == ">=")
        else:
            if upper is not None:
                raise PatternError("numeric range has more than one upper bound")
            upper = (bound, op == "<=")
    if equal is not None:
        return _Numeric((equal, True), (equal, True))
    if lower is not None and upper is not None and lower[0] > upper[0]:
        raise PatternError("Bottom must be less than top")
    return _Numeric(lower, upper)


def _cidr(value: Any) -> _Cidr:
    text = _require_string("cidr", value)
    if "/" not in text:
        raise PatternError(f"Malformed CIDR, one '/' required: {text}")
    try:
        return _Cidr(ipaddress.ip_network(text, strict=False))
    except ValueError as exc:
        raise PatternError(f"Nonstandard IP address: {text}") from exc


def _operator(spec: Mapping[str, Any]) -> _Matcher:
    if len(spec) != 1:
        raise PatternError(f"A match expression object must have exactly one key: {json.dumps(spec)}")
    ((operator, value),) = spec.items()
    if operator == "exists":
        if not isinstance(value, bool):
            raise PatternError("exists match pattern must be either true or false")
        return _Exists(value)
    if operator == "anything-but":
        return _anything_but(value)
    if operator == "numeric":
        return _numeric(value)
    if operator == "cidr":
        return _cidr(value)
    if operator in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
        return _StringMatcher(_string_test(operator, value))
    raise PatternError(f"Unrecognized match type {operator}")


def _leaf(name: str, values: list[Any]) -> _Leaf:
    if not values:
        raise PatternError(f"Empty arrays are not allowed (field {name!r})")
    matchers: list[_Matcher] = []
    for item in values:
        if isinstance(item, Mapping):
            matchers.append(_operator(item))
        elif isinstance(item, list):
            raise PatternError(f"Match value must be String, number, true, false, or null (field {name!r})")
        else:
            matchers.append(_Exact(item))
    return _Leaf(tuple(matchers))


def _object(spec: Mapping[str, Any], path: str) -> _Object:
    if not spec:
        raise PatternError(f"Empty objects are not allowed{f' (field {path!r})' if path else ''}")
    fields: list[tuple[str, _Leaf | _Object]] = []
    groups: list[tuple[_Object, ...]] = []
    for name, value in spec.items():
        if not isinstance(name, str):
            raise PatternError("Field names must be strings")
        where = f"{path}.{name}" if path else name
        if name == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise PatternError("$or requires an array of at least two pattern objects")
            if not all(isinstance(alt, Mapping) for alt in value):
                raise PatternError("Each $or alternative must be a pattern object")
            groups.append(tuple(_object(alt, path) for alt in value))
        elif isinstance(value, Mapping):
            fields.append((name, _object(value, where)))
        elif isinstance(value, list):
            fields.append((name, _leaf(where, value)))
        else:
            raise PatternError(f"Match value for field {where!r} must be an array or an object")
    return _Object(tuple(fields), tuple(groups))


@dataclass(frozen=True, slots=True)
class _Required:
    """A field the pattern requires to hold one of some strings, reached through nested objects
    only (never through `$or`): a cheap test that rules most events out before the full match.

    Most events match no rule, and one dict lookup and one set test settle most of them."""

    path: tuple[str, ...]
    values: frozenset[str]

    def rules_out(self, event: Mapping[str, Any]) -> bool:
        """True only when the full match is certain to fail; False when it might succeed."""
        value: Any = event
        for name in self.path:
            if type(value) is dict or isinstance(value, Mapping):
                if name not in value:
                    return True  # an absent field equals no string
                value = value[name]
            else:
                # Objects inside an array are left to the full match; a nested pattern against
                # a scalar sees an empty object, in which the field is absent.
                return not isinstance(value, list)
        if type(value) is str:
            return value not in self.values
        # Arrays match if an element does, and str subclasses compare as strings: undecided.
        # Anything else (objects, numbers, booleans, null) never equals a string.
        return not isinstance(value, list | str)


# Fields that tell events apart best are tested first; eventSource (nearly always iam or sts)
# last. Other fields keep the pattern's order, between the two.
_FIRST = (("eventName",), ("errorCode",), ("userIdentity", "type"))
_LAST = (("eventSource",),)


def _required_fields(node: _Object, path: tuple[str, ...] = ()) -> list[_Required]:
    found: list[_Required] = []
    for name, child in node.fields:
        where = (*path, name)
        if isinstance(child, _Object):
            found.extend(_required_fields(child, where))
        elif all(isinstance(m, _Exact) and isinstance(m.value, str) for m in child.matchers):
            found.append(_Required(where, frozenset(m.value for m in child.matchers if isinstance(m, _Exact))))
    return found


def _ranked(required: list[_Required]) -> tuple[_Required, ...]:
    def rank(field: _Required) -> int:
        if field.path in _FIRST:
            return _FIRST.index(field.path)
        return len(_FIRST) + (1 if field.path in _LAST else 0)

    return tuple(sorted(required, key=rank))


@dataclass(frozen=True, slots=True)
class EventPattern:
    """A compiled pattern; `source` is the JSON object it was compiled from (kept for storage).

    `required` are the pattern's exact-string fields, tested before the full match; they only
    ever rule an event out when the full match would fail too, so results are the full match's."""

    source: Mapping[str, Any]
    _root: _Object
    event_names: frozenset[str] | None  # the exact top-level eventName values, for indexing
    required: tuple[_Required, ...] = ()

    def matches(self, event: Mapping[str, Any]) -> bool:
        for field in self.required:
            if field.rules_out(event):
                return False
        return self._root.matches(event)


def compile_pattern(pattern: Mapping[str, Any] | str) -> EventPattern:
    """Validate and compile a pattern given as a JSON object or as JSON text."""
    try:
        if isinstance(pattern, str):
            try:
                pattern = json.loads(pattern)
            except json.JSONDecodeError as exc:
                raise PatternError(f"Pattern is not valid JSON: {exc.msg} at position {exc.pos}") from exc
        if not isinstance(pattern, Mapping):
            raise PatternError("Pattern must be a JSON object")
        root = _object(pattern, "")
    except RecursionError:
        raise PatternError("Pattern is nested too deeply") from None
    required = _ranked(_required_fields(root))
    event_names = next((field.values for field in required if field.path == ("eventName",)), None)
    return EventPattern(pattern, root, event_names, required)
