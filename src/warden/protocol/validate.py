"""Input validation against a model shape, reported exactly as AWS's front end reports it.

AWS checks every request against the operation's input shape before any business logic runs and
answers with one `ValidationError` that lists every violation:

    2 validation errors detected: Value null at 'userName' failed to satisfy constraint: Member
    must not be null; Value 'x' at 'path' failed to satisfy constraint: Member must satisfy
    regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)

Member names appear camelCased, list elements as `tags.3.member.key`, and values of sensitive
shapes are never echoed. Each shape is compiled once into a tree of small checkers, so
validating a typical request costs a few dictionary lookups.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Protocol

from botocore.model import ListShape, MapShape, Shape, StructureShape

from warden.errors import ValidationError

from .models import Operation
from .patterns import compile_model_pattern
from .values import format_iso8601, to_base64

__all__ = ["Validator", "compile_validator", "validate_input", "validation_message", "validator_for"]


class _Check(Protocol):
    def check(self, value: object, path: str, errors: list[str]) -> None: ...


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def render_value(value: object) -> str:
    """A value as Coral prints it inside `Value '...'`: Java's toString of lists and maps."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return format_iso8601(value)
    if isinstance(value, bytes):
        return to_base64(value)
    if isinstance(value, list):
        return "[" + ", ".join(render_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{render_value(k)}={render_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def _violation(path: str, value: object, constraint: str, sensitive: bool) -> str:
    shown = "" if sensitive else f" '{render_value(value)}'"
    return f"Value{shown} at '{path}' failed to satisfy constraint: {constraint}"


def validation_message(errors: list[str]) -> str:
    """`1 validation error detected: ...` / `3 validation errors detected: a; b; c`."""
    count = len(errors)
    return f"{count} validation error{'' if count == 1 else 's'} detected: " + "; ".join(errors)


class _Scalar:
    """Length, range, pattern and enum constraints of a string, number, blob or collection."""

    __slots__ = ("_enum", "_is_number", "_max", "_min", "_pattern", "_pattern_text", "sensitive")

    def __init__(self, shape: Shape, sensitive: bool) -> None:
        meta = shape.metadata
        self._is_number = shape.type_name in {"integer", "long", "float", "double"}
        self._min = meta.get("min")
        self._max = meta.get("max")
        self._pattern_text: str | None = meta.get("pattern")
        self._pattern = compile_model_pattern(self._pattern_text) if self._pattern_text else None
        self._enum: tuple[str, ...] = tuple(meta.get("enum", ()))
        self.sensitive = sensitive or bool(meta.get("sensitive"))

    @property
    def constrained(self) -> bool:
        return bool(self._min is not None or self._max is not None or self._pattern or self._enum)

    def failures(self, value: object) -> list[str]:
        """The constraint texts `value` violates, in the order AWS reports them."""
        found: list[str] = []
        if self._is_number:
            if not isinstance(value, (int, float)):
                return found
            if self._min is not None and value < self._min:
                found.append(f"Member must have value greater than or equal to {self._min}")
            if self._max is not None and value > self._max:
                found.append(f"Member must have value less than or equal to {self._max}")
            return found
        if isinstance(value, (str, bytes, list, dict)):
            size = len(value)
            if self._min is not None and size < self._min:
                found.append(f"Member must have length greater than or equal to {self._min}")
            if self._max is not None and size > self._max:
                found.append(f"Member must have length less than or equal to {self._max}")
        if isinstance(value, str):
            if self._pattern is not None and self._pattern.fullmatch(value) is None:
                found.append(f"Member must satisfy regular expression pattern: {self._pattern_text}")
            if self._enum and value not in self._enum:
                found.append(f"Member must satisfy enum value set: [{', '.join(self._enum)}]")
        return found

    def check(self, value: object, path: str, errors: list[str]) -> None:
        for failure in self.failures(value):
            errors.append(_violation(path, value, failure, self.sensitive))


def _element_failures(element: _Check, values: list[object]) -> list[str]:
    """Distinct failures of scalar elements, which AWS folds into one bracketed constraint."""
    assert isinstance(element, _Scalar)
    seen: list[str] = []
    for value in values:
        for failure in element.failures(value):
            if failure not in seen:
                seen.append(failure)
    return seen


class _List:
    __slots__ = ("_element", "_own", "_scalar_elements")

    def __init__(self, own: _Scalar, element: _Check) -> None:
        self._own = own
        self._element = element
        self._scalar_elements = isinstance(element, _Scalar)

    def check(self, value: object, path: str, errors: list[str]) -> None:
        assert isinstance(value, list)
        self._own.check(value, path, errors)
        if self._scalar_elements:
            failures = _element_failures(self._element, value)
            if failures:
                constraint = f"Member must satisfy constraint: [{', '.join(failures)}]"
                sensitive = self._own.sensitive or self._element.sensitive  # type: ignore[attr-defined]
                errors.append(_violation(path, value, constraint, sensitive))
            return
        for index, item in enumerate(value, 1):
            if item is not None:
                self._element.check(item, f"{path}.{index}.member", errors)


class _Map:
    __slots__ = ("_key", "_own", "_value")

    def __init__(self, own: _Scalar, key: _Scalar, value: _Check) -> None:
        self._own = own
        self._key = key
        self._value = value

    def check(self, value: object, path: str, errors: list[str]) -> None:
        assert isinstance(value, dict)
        self._own.check(value, path, errors)
        key_failures = _element_failures(self._key, list(value))
        if key_failures:
            constraint = f"Map keys must satisfy constraint: [{', '.join(key_failures)}]"
            errors.append(_violation(path, value, constraint, self._own.sensitive or self._key.sensitive))
        if isinstance(self._value, _Scalar):
            value_failures = _element_failures(self._value, list(value.values()))
            if value_failures:
                constraint = f"Map value must satisfy constraint: [{', '.join(value_failures)}]"
                sensitive = self._own.sensitive or self._value.sensitive
                errors.append(_violation(path, value, constraint, sensitive))
            return
        for key, item in value.items():
            if item is not None:
                self._value.check(item, f"{path}.{key}", errors)


class _Structure:
    __slots__ = ("members",)

    def __init__(self) -> None:
        self.members: tuple[tuple[str, str, bool, _Check], ...] = ()

    def check(self, value: object, path: str, errors: list[str]) -> None:
        assert isinstance(value, Mapping)
        prefix = f"{path}." if path else ""
        for name, wire, required, member in self.members:
            item = value.get(name)
            if item is None:
                if required:
                    errors.append(
                        f"Value null at '{prefix}{wire}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
                continue
            member.check(item, prefix + wire, errors)


def _compile(shape: Shape, memo: dict[tuple[str, bool], _Check], sensitive: bool = False) -> _Check:
    """Compile `shape`; `memo` ends recursion, keyed by whether a sensitive ancestor hides values."""
    key = (shape.name, sensitive)
    cached = memo.get(key)
    if cached is not None:
        return cached
    own_sensitive = sensitive or bool(shape.metadata.get("sensitive"))
    if isinstance(shape, StructureShape):
        structure = _Structure()
        memo[key] = structure
        required = set(shape.required_members)
        structure.members = tuple(
            (name, _camel(name), name in required, _compile(member, memo, own_sensitive))
            for name, member in shape.members.items()
        )
        return structure
    compiled: _Check
    if isinstance(shape, ListShape):
        compiled = _List(_Scalar(shape, own_sensitive), _compile(shape.member, memo, own_sensitive))
    elif isinstance(shape, MapShape):
        compiled = _Map(
            _Scalar(shape, own_sensitive),
            _Scalar(shape.key, own_sensitive),
            _compile(shape.value, memo, own_sensitive),
        )
    else:
        compiled = _Scalar(shape, own_sensitive)
    memo[key] = compiled
    return compiled


class Validator:
    """A compiled input shape; `validate` raises `ValidationError` with every violation found."""

    __slots__ = ("_root",)

    def __init__(self, shape: StructureShape | None) -> None:
        self._root: _Check | None = None if shape is None else _compile(shape, {})

    def errors(self, params: Mapping[str, object]) -> list[str]:
        found: list[str] = []
        if self._root is not None:
            self._root.check(params, "", found)
        return found

    def validate(self, params: Mapping[str, object]) -> None:
        found = self.errors(params)
        if found:
            raise ValidationError(validation_message(found))


def compile_validator(shape: StructureShape | None) -> Validator:
    """A fresh validator for any shape (tests and ad-hoc models); servers use `validator_for`."""
    return Validator(shape)


@cache
def validator_for(operation: Operation) -> Validator:
    """The validator of an operation's input, compiled on first use and kept for the process."""
    return Validator(operation.input_shape)


def validate_input(operation: Operation, params: Mapping[str, object]) -> None:
    """Raise `ValidationError` unless `params` satisfies the operation's input shape."""
    validator_for(operation).validate(params)
