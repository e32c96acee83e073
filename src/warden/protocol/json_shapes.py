"""Convert between JSON documents and typed values for the JSON 1.0/1.1 protocol, per shape.

Reading checks JSON types strictly (a number where a string belongs is an error, as AWS's
deserializer treats it) and turns timestamps into aware datetimes and blobs into bytes. Writing
is the inverse: datetimes become epoch seconds, bytes become base64, None members disappear.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from warden.errors import ValidationError

from .values import format_timestamp, parse_base64, parse_timestamp, to_base64, to_epoch_seconds

__all__ = ["JsonReader", "JsonWriter"]

_Convert = Callable[[Any, str], Any]


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _type_error(path: str, expected: str) -> ValidationError:
    where = f"'{path}'" if path else "the request body"
    return ValidationError(f"The value at {where} must be {expected}.")


def _read_string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _type_error(path, "a string")
    return value


def _read_boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _type_error(path, "a boolean")
    return value


def _read_integer(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(path, "an integer")
    return value


def _read_number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error(path, "a number")
    return float(value)


def _read_timestamp(value: Any, path: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _type_error(path, "a timestamp")
    try:
        return parse_timestamp(str(value))
    except ValueError:
        raise _type_error(path, "a timestamp") from None


def _read_blob(value: Any, path: str) -> bytes:
    if not isinstance(value, str):
        raise _type_error(path, "base64-encoded binary data")
    try:
        return parse_base64(value)
    except ValueError:
        raise _type_error(path, "base64-encoded binary data") from None


_READ_SCALARS: dict[str, _Convert] = {
    "string": _read_string,
    "character": _read_string,
    "boolean": _read_boolean,
    "integer": _read_integer,
    "long": _read_integer,
    "float": _read_number,
    "double": _read_number,
    "timestamp": _read_timestamp,
    "blob": _read_blob,
}


def _memoised(memo: dict[object, _Convert], shape: Shape, build: Callable[[Shape], _Convert]) -> _Convert:
    """Compile once per shape; a forwarding stub stands in while a recursive shape is being built."""
    key = (shape.name, tuple(sorted(shape.serialization.items())))
    found = memo.get(key)
    if found is not None:
        return found
    slot: list[_Convert] = []
    memo[key] = lambda value, path: slot[0](value, path)
    built = build(shape)
    slot.append(built)
    memo[key] = built
    return built


class JsonReader:
    """JSON input -> typed values keyed by member name; one instance per service model."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        self._memo: dict[object, _Convert] = {}

    def read_input(self, shape: StructureShape | None, document: Any) -> dict[str, Any]:
        if shape is None:
            return {}
        result: dict[str, Any] = self.converter(shape)(document, "")
        return result

    def converter(self, shape: Shape) -> _Convert:
        return _memoised(self._memo, shape, self._build)

    def _build(self, shape: Shape) -> _Convert:
        if isinstance(shape, StructureShape):
            members = tuple(
                (name, str(member.serialization.get("name", name)), _camel(name), self.converter(member))
                for name, member in shape.members.items()
            )

            def structure(value: Any, path: str) -> dict[str, Any]:
                if not isinstance(value, dict):
                    raise _type_error(path, "an object")
                prefix = f"{path}." if path else ""
                out: dict[str, Any] = {}
                for name, wire, camel, convert in members:
                    item = value.get(wire)
                    if item is not None:
                        out[name] = convert(item, prefix + camel)
                return out

            return structure
        if isinstance(shape, ListShape):
            element = self.converter(shape.member)

            def listing(value: Any, path: str) -> list[Any]:
                if not isinstance(value, list):
                    raise _type_error(path, "a list")
                return [
                    element(item, f"{path}.{index}.member")
                    for index, item in enumerate(value, 1)
                    if item is not None
                ]

            return listing
        if isinstance(shape, MapShape):
            read_key = self.converter(shape.key)
            read_value = self.converter(shape.value)

            def mapping(value: Any, path: str) -> dict[Any, Any]:
                if not isinstance(value, dict):
                    raise _type_error(path, "an object")
                return {
                    read_key(key, path): read_value(item, f"{path}.{key}")
                    for key, item in value.items()
                    if item is not None
                }

            return mapping
        return _READ_SCALARS.get(shape.type_name, _read_string)


class JsonWriter:
    """Typed result values -> a JSON-ready document, per output shape; one instance per service."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        self._memo: dict[object, _Convert] = {}

    def document(self, shape: StructureShape | None, result: Mapping[str, Any]) -> dict[str, Any]:
        if shape is None:
            return {}
        document: dict[str, Any] = self.converter(shape)(result, "")
        return document

    def converter(self, shape: Shape) -> _Convert:
        return _memoised(self._memo, shape, self._build)

    def _build(self, shape: Shape) -> _Convert:
        if isinstance(shape, StructureShape):
            members = tuple(
                (name, str(member.serialization.get("name", name)), self.converter(member))
                for name, member in shape.members.items()
            )

            def structure(value: Any, path: str) -> dict[str, Any]:
                return {
                    wire: convert(value[name], path)
                    for name, wire, convert in members
                    if value.get(name) is not None
                }

            return structure
        if isinstance(shape, ListShape):
            element = self.converter(shape.member)
            return lambda value, path: [element(item, path) for item in value]
        if isinstance(shape, MapShape):
            write_value = self.converter(shape.value)
            return lambda value, path: {str(key): write_value(item, path) for key, item in value.items()}
        kind = shape.type_name
        if kind == "timestamp":
            timestamp_format = shape.serialization.get("timestampFormat")

            def timestamp(value: Any, path: str) -> Any:
                if not isinstance(value, datetime):
                    return value
                if timestamp_format and timestamp_format.lower() != "unixtimestamp":
                    return format_timestamp(value, timestamp_format)
                return to_epoch_seconds(value)

            return timestamp
        if kind == "blob":
            return lambda value, path: to_base64(value)
        return lambda value, path: value
