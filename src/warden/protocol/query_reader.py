"""Read flattened Query parameters (`Tags.member.1.Key=...`) into typed values, driven by a shape.

The Query protocol flattens nested input into dotted keys, following the same rules botocore's
serializer uses: lists as `Name.member.N` (or `Name.N` when flattened, or with the member's
`locationName`), maps as `Name.entry.N.key` / `.value`, structures as `Name.Member`, and an empty
list as the bare key with an empty value. The keys are first folded into a tree, then each shape
reads its own subtree with a reader compiled once per shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from warden.errors import ValidationError

from .values import parse_base64, parse_boolean, parse_timestamp

__all__ = ["ParamNode", "QueryReader", "build_tree"]


class ParamNode:
    """One dotted-key segment: the value set at exactly this key, and the deeper segments."""

    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, ParamNode] = {}

    def indexed(self) -> list[ParamNode]:
        """Children named `1`, `2`, ... in numeric order; other names are not list positions."""
        numbered = [(int(key), node) for key, node in self.children.items() if key.isdigit()]
        numbered.sort(key=lambda pair: pair[0])
        return [node for _, node in numbered]


def build_tree(params: Mapping[str, str]) -> ParamNode:
    root = ParamNode()
    for key, value in params.items():
        node = root
        for part in key.split("."):
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = ParamNode()
            node = child
        node.value = value
    return root


_Reader = Callable[[ParamNode, str], Any]


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _conversion_error(path: str, text: str, kind: str) -> ValidationError:
    return ValidationError(f"Value '{text}' at '{path}' could not be converted to {kind}.")


def _scalar(convert: Callable[[str], object], kind: str) -> _Reader:
    def read(node: ParamNode, path: str) -> object:
        text = node.value
        if text is None:
            return None
        try:
            return convert(text)
        except ValueError:
            raise _conversion_error(path, text, kind) from None

    return read


def _read_string(node: ParamNode, path: str) -> str | None:
    return node.value


def _parse_int(text: str) -> int:
    return int(text.strip())


def _parse_timestamp(text: str) -> datetime:
    return parse_timestamp(text)


_SCALARS: dict[str, _Reader] = {
    "string": _read_string,
    "character": _read_string,
    "boolean": _scalar(parse_boolean, "a boolean"),
    "integer": _scalar(_parse_int, "an integer"),
    "long": _scalar(_parse_int, "an integer"),
    "float": _scalar(float, "a number"),
    "double": _scalar(float, "a number"),
    "timestamp": _scalar(_parse_timestamp, "a timestamp"),
    "blob": _scalar(parse_base64, "base64-encoded binary data"),
}


def _wire_name(member: Shape, name: str) -> str:
    """The key segment of a structure member, as botocore's QuerySerializer derives it."""
    if isinstance(member, ListShape) and member.serialization.get("flattened"):
        element_name = member.member.serialization.get("name")
        if element_name:
            return str(element_name)
    return str(member.serialization.get("name", name))


class QueryReader:
    """Compiles shapes into readers; one instance per service model keeps recursion finite."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        self._memo: dict[object, _Reader] = {}

    def read_input(self, shape: StructureShape | None, params: Mapping[str, str]) -> dict[str, Any]:
        if shape is None:
            return {}
        result: dict[str, Any] = self.reader(shape)(build_tree(params), "")
        return result

    def reader(self, shape: Shape) -> _Reader:
        key = (shape.name, tuple(sorted(shape.serialization.items())))
        found = self._memo.get(key)
        if found is not None:
            return found
        slot: list[_Reader] = []

        def deferred(node: ParamNode, path: str) -> Any:
            return slot[0](node, path)

        self._memo[key] = deferred
        built = self._build(shape)
        slot.append(built)
        self._memo[key] = built
        return built

    def _build(self, shape: Shape) -> _Reader:
        if isinstance(shape, StructureShape):
            return self._structure(shape)
        if isinstance(shape, ListShape):
            return self._list(shape)
        if isinstance(shape, MapShape):
            return self._map(shape)
        return _SCALARS.get(shape.type_name, _read_string)

    def _structure(self, shape: StructureShape) -> _Reader:
        members = tuple(
            (name, _wire_name(member, name), _camel(name), self.reader(member))
            for name, member in shape.members.items()
        )

        def read(node: ParamNode, path: str) -> dict[str, Any] | None:
            if not node.children:
                return None if path else {}
            out: dict[str, Any] = {}
            prefix = f"{path}." if path else ""
            for name, wire, camel, member_reader in members:
                child = node.children.get(wire)
                if child is not None:
                    value = member_reader(child, prefix + camel)
                    if value is not None:
                        out[name] = value
            return out

        return read

    def _list(self, shape: ListShape) -> _Reader:
        flattened = bool(shape.serialization.get("flattened"))
        element_name = str(shape.member.serialization.get("name", "member"))
        element = self.reader(shape.member)

        def read(node: ParamNode, path: str) -> list[Any] | None:
            holder = node if flattened else node.children.get(element_name)
            if holder is None:
                return [] if node.value is not None and not node.children else None
            items = []
            for index, child in enumerate(holder.indexed(), 1):
                value = element(child, f"{path}.{index}.member")
                if value is not None:
                    items.append(value)
            return items

        return read

    def _map(self, shape: MapShape) -> _Reader:
        flattened = bool(shape.serialization.get("flattened"))
        key_name = str(shape.key.serialization.get("name", "key"))
        value_name = str(shape.value.serialization.get("name", "value"))
        read_key = self.reader(shape.key)
        read_value = self.reader(shape.value)

        def read(node: ParamNode, path: str) -> dict[str, Any] | None:
            holder = node if flattened else node.children.get("entry")
            if holder is None:
                return {} if node.value is not None and not node.children else None
            out: dict[str, Any] = {}
            for entry in holder.indexed():
                key_node = entry.children.get(key_name)
                value_node = entry.children.get(value_name)
                if key_node is None or value_node is None:
                    continue
                key = read_key(key_node, path)
                if key is not None:
                    out[key] = read_value(value_node, f"{path}.{key}")
            return out

        return read
