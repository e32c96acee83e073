"""Write a result mapping as Query-protocol XML, element by element as the output shape says.

The inverse of botocore's QueryParser: structures become one element per present member (named
by `locationName` when the model gives one), lists wrap `<member>` elements unless flattened, maps
wrap `<entry><key/><value/></entry>`, timestamps are ISO 8601 in UTC with `Z`, booleans are
`true`/`false` and blobs base64. Members whose value is None are left out, as AWS leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .values import format_timestamp, to_base64
from .xml import XmlWriter

__all__ = ["QueryWriter"]

_Write = Callable[[XmlWriter, str, Any], None]


def _text_of(shape: Shape) -> Callable[[Any], str]:
    kind = shape.type_name
    if kind == "boolean":
        return lambda value: "true" if value else "false"
    if kind == "timestamp":
        timestamp_format = str(shape.serialization.get("timestampFormat", "iso8601"))

        def timestamp(value: Any) -> str:
            if isinstance(value, datetime):
                return format_timestamp(value, timestamp_format)
            return str(value)

        return timestamp
    if kind == "blob":
        return to_base64
    if kind in {"integer", "long"}:
        return lambda value: str(int(value))
    if kind in {"float", "double"}:
        return lambda value: repr(float(value))
    return str


def _member_tag(member: Shape, name: str) -> str:
    """The element name of a structure member, as botocore's QueryParser looks it up."""
    if isinstance(member, ListShape) and member.serialization.get("flattened"):
        element_name = member.member.serialization.get("name")
        if element_name:
            return str(element_name)
    return str(member.serialization.get("name", name))


class QueryWriter:
    """Compiles output shapes into element writers, once per shape and serialization."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        self._memo: dict[object, _Write] = {}

    def write_members(self, out: XmlWriter, shape: StructureShape, value: Mapping[str, Any]) -> None:
        """The members of `value` without a wrapping element (for outputs without resultWrapper)."""
        for name, member in shape.members.items():
            item = value.get(name)
            if item is not None:
                self.writer(member)(out, _member_tag(member, name), item)

    def writer(self, shape: Shape) -> _Write:
        key = (shape.name, tuple(sorted(shape.serialization.items())))
        found = self._memo.get(key)
        if found is not None:
            return found
        slot: list[_Write] = []

        def deferred(out: XmlWriter, tag: str, value: Any) -> None:
            slot[0](out, tag, value)

        self._memo[key] = deferred
        built = self._build(shape)
        slot.append(built)
        self._memo[key] = built
        return built

    def _build(self, shape: Shape) -> _Write:
        if isinstance(shape, StructureShape):
            return self._structure(shape)
        if isinstance(shape, ListShape):
            return self._list(shape)
        if isinstance(shape, MapShape):
            return self._map(shape)
        text_of = _text_of(shape)

        def scalar(out: XmlWriter, tag: str, value: Any) -> None:
            out.element(tag, text_of(value))

        return scalar

    def _structure(self, shape: StructureShape) -> _Write:
        members = tuple(
            (name, _member_tag(member, name), self.writer(member)) for name, member in shape.members.items()
        )

        def structure(out: XmlWriter, tag: str, value: Any) -> None:
            out.start(tag)
            for name, member_tag, write in members:
                item = value.get(name)
                if item is not None:
                    write(out, member_tag, item)
            out.end()

        return structure

    def _list(self, shape: ListShape) -> _Write:
        flattened = bool(shape.serialization.get("flattened"))
        element_tag = str(shape.member.serialization.get("name", "member"))
        element = self.writer(shape.member)

        def listing(out: XmlWriter, tag: str, value: Any) -> None:
            if flattened:
                for item in value:
                    element(out, tag, item)
                return
            out.start(tag)
            for item in value:
                element(out, element_tag, item)
            out.end()

        return listing

    def _map(self, shape: MapShape) -> _Write:
        flattened = bool(shape.serialization.get("flattened"))
        key_tag = str(shape.key.serialization.get("name", "key"))
        value_tag = str(shape.value.serialization.get("name", "value"))
        write_key = self.writer(shape.key)
        write_value = self.writer(shape.value)

        def entries(out: XmlWriter, tag: str, value: Any) -> None:
            if not flattened:
                out.start(tag)
            for key, item in value.items():
                out.start(tag if flattened else "entry")
                write_key(out, key_tag, key)
                if item is not None:
                    write_value(out, value_tag, item)
                out.end()
            if not flattened:
                out.end()

        return entries
