"""Hypothesis strategies for whole requests: input values put on the wire by botocore's own
serializers, then (for hostile requests) broken at the wire level, where types no longer exist.

Query (IAM, STS): numbered list keys made non-numbered (`Tags.member.x.Key`, `.0.`, `.01.`), keys
repeated with another value (a second `Action` too), integer/boolean/timestamp members given text,
lists and structures given a scalar, unknown and malformed keys, `Version` wrong or missing, and
some requests sent as GET with the parameters in the query string.
JSON (CloudTrail): members of the wrong JSON type, numbers out of range, NaN, bodies that are not
an object or not JSON at all.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from botocore.serialize import create_serializer
from fuzz_values import ODD_STRINGS, hostile_values, shape_values  # type: ignore[import-not-found]
from hypothesis import strategies as st

from warden.protocol import Operation

__all__ = ["WireRequest", "requests_for"]

_QUERY = create_serializer("query", include_validation=False)
_JSON = create_serializer("json", include_validation=False)


class WireRequest:
    """One request as it goes on the wire (a plain class: its repr keeps huge bodies short)."""

    __slots__ = ("body", "headers", "hostile", "method", "query")

    def __init__(
        self, method: str, body: bytes, headers: tuple[tuple[str, str], ...], query: str = "", hostile: bool = False
    ) -> None:
        self.method, self.body, self.headers, self.query, self.hostile = method, body, headers, query, hostile

    def __repr__(self) -> str:
        body = self.body if len(self.body) < 600 else self.body[:600] + b"...(%d bytes)" % len(self.body)
        return f"WireRequest({self.method}, query={self.query[:600]!r}, headers={self.headers}, body={body!r})"


def _encode(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="-_.~")


def form_text(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in pairs)


def _query_pairs(operation: Operation, values: dict[str, Any]) -> list[tuple[str, str]]:
    serialized = _QUERY.serialize_to_request(values, operation.model)["body"]
    return [(str(key), str(value)) for key, value in serialized.items()]


_BAD_INDEXES = ("x", "0", "-1", "01", "1.5", "", "99999999999999999999", "member", "٣")
_WRONG_TEXT = ("abc", "", "1.5", "0x10", "true1", "99999999999999999999999", "-", "NaN", "yes", "2024-13-45T99:99:99Z")


@st.composite
def _break_pairs(draw: st.DrawFn, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    pairs = list(pairs)
    for _ in range(draw(st.integers(1, 3))):
        if not pairs:  # a drop and a removed Version can leave nothing to break
            break
        choice = draw(
            st.sampled_from(("index", "repeat", "retype", "unknown", "drop", "version", "scalar-list", "odd-key"))
        )
        position = draw(st.integers(0, len(pairs) - 1))
        key, value = pairs[position]
        if choice == "index":
            parts = key.split(".")
            numbered = [i for i, part in enumerate(parts) if part.isdigit()]
            if numbered:
                parts[draw(st.sampled_from(numbered))] = draw(st.sampled_from(_BAD_INDEXES))
                pairs[position] = (".".join(parts), value)
        elif choice == "repeat":
            other = draw(st.sampled_from(("DeleteUser", "GetUser", "", value + "x", "CreateUser")))
            pairs.insert(draw(st.integers(0, len(pairs))), (key, other))
        elif choice == "retype":
            pairs[position] = (key, draw(st.sampled_from(_WRONG_TEXT + ODD_STRINGS)))
        elif choice == "unknown":
            name = draw(st.sampled_from(("Unknown", "userName", "Tags", "Tags.member.1", "Tags.entry.1.key", "X-Amz-Foo")))
            pairs.append((name, draw(st.sampled_from(ODD_STRINGS))))
        elif choice == "drop":
            del pairs[position]
        elif choice == "version":
            pairs = [(k, v) for k, v in pairs if k != "Version"]
            version = draw(st.sampled_from(("", "2011-06-15", "2010-05-08x", "latest", None)))
            if version is not None:
                pairs.append(("Version", version))
        elif choice == "scalar-list":
            head = key.split(".")[0]
            pairs.append((head, draw(st.sampled_from(("", "x", "1")))))
        else:
            pairs.append((draw(st.sampled_from(("..", ".", "a..b", "Tags.", ".Tags", "Tags.member..Key", "%", "=", ""))), "v"))
    return pairs


def _query_request(method: str, pairs: list[tuple[str, str]], hostile: bool) -> WireRequest:
    text = form_text(pairs)
    if method == "GET":
        return WireRequest("GET", b"", (), query=text, hostile=hostile)
    content_type = ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
    return WireRequest("POST", text.encode("ascii"), (content_type,), hostile=hostile)


@st.composite
def _query_requests(draw: st.DrawFn, operation: Operation) -> WireRequest:
    hostile = draw(st.integers(0, 2)) > 0  # two hostile requests for every well-formed one
    values_of = hostile_values if hostile and draw(st.booleans()) else shape_values
    values = draw(values_of(operation.name, operation.input_shape))
    pairs = _query_pairs(operation, values)
    if hostile and (values_of is shape_values or draw(st.booleans())):
        pairs = draw(_break_pairs(pairs))
    method = draw(st.sampled_from(("POST", "POST", "POST", "GET")))
    return _query_request(method, pairs, hostile)


_JSON_ODDITIES: tuple[Any, ...] = (None, "", "x", 0, -1, 1e300, float("nan"), float("inf"), 2**70, True, [], {}, [None], {"a": 1})
_NOT_OBJECTS = (b"[]", b"null", b'"x"', b"1", b"{", b"\xff\xfe", b"{\"a\":}", b"[" * 30_000 + b"]" * 30_000, b'{"StartTime": 1e999}')


@st.composite
def _json_requests(draw: st.DrawFn, operation: Operation) -> WireRequest:
    hostile = draw(st.integers(0, 2)) > 0
    values_of = hostile_values if hostile and draw(st.booleans()) else shape_values
    values = draw(values_of(operation.name, operation.input_shape))
    prepared = _JSON.serialize_to_request(values, operation.model)
    body: bytes = prepared["body"] or b"{}"
    headers = tuple((str(k), str(v)) for k, v in prepared["headers"].items())
    if hostile and values_of is shape_values:
        if draw(st.integers(0, 3)) == 0:
            body = draw(st.sampled_from(_NOT_OBJECTS))
        else:
            document = json.loads(body)
            shape = operation.input_shape
            members = sorted(shape.members) if shape is not None else ["Unknown"]
            for _ in range(draw(st.integers(1, 3))):
                member = draw(st.sampled_from([*members, "Unknown"]))
                oddity = draw(st.sampled_from(_JSON_ODDITIES))
                if draw(st.booleans()) and isinstance(document.get(member), list) and document[member]:
                    document[member] = [oddity, *document[member][1:]]
                elif draw(st.booleans()) and isinstance(document.get(member), list):
                    first = document[member][0] if document[member] else {}
                    if isinstance(first, dict) and first:
                        inner = draw(st.sampled_from(sorted(first)))
                        document[member] = [{**first, inner: oddity}]
                else:
                    document[member] = oddity
            body = json.dumps(document).encode()
    return WireRequest("POST", body, headers, hostile=hostile)


def requests_for(operation: Operation) -> st.SearchStrategy[WireRequest]:
    """Well-formed and hostile requests for one operation, in its service's wire protocol."""
    if operation.protocol == "json":
        return _json_requests(operation)
    return _query_requests(operation)
