"""The parts of an HTTP request that SigV4 looks at, captured as one immutable value.

The path and query string are kept exactly as received (still percent-encoded), because
the signature covers the client's encoding, not a decoded interpretation of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HttpRequest"]


# surrogateescape keeps any byte sequence reversible, so signatures over non-UTF-8 bytes are
# checked against exactly what was sent.
_CODEC, _ERRORS = "utf-8", "surrogateescape"


def _index(headers: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for name, value in headers:
        index.setdefault(name.lower(), []).append(value)
    return {name: tuple(values) for name, values in index.items()}


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """An HTTP request as it arrived: method, raw path, raw query, headers (multi-valued), body."""

    method: str
    path: str
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    # Header values by lower-cased name, built on first use (from_asgi builds it while decoding;
    # dataclasses.replace gets a fresh one, so it never describes other headers).
    _by_name: dict[str, tuple[str, ...]] | None = field(default=None, init=False, repr=False, compare=False)

    def _headers_by_name(self) -> dict[str, tuple[str, ...]]:
        index = self._by_name
        if index is None:
            index = _index(self.headers)
            object.__setattr__(self, "_by_name", index)
        return index

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> HttpRequest:
        """Convenience constructor accepting a mapping or a sequence of header pairs."""
        pairs = tuple(headers.items()) if isinstance(headers, Mapping) else tuple(headers)
        return cls(method=method, path=path, query=query, headers=pairs, body=body)

    @classmethod
    def from_asgi(cls, scope: Mapping[str, Any], body: bytes) -> HttpRequest:
        """Capture an ASGI HTTP scope; `raw_path` is preferred because it is what was signed.

        Every request passes through here, so the headers are decoded and indexed in one loop."""
        raw_path = scope.get("raw_path")
        path = raw_path.decode(_CODEC, _ERRORS) if raw_path else str(scope.get("path", "/"))
        query = scope.get("query_string", b"").decode(_CODEC, _ERRORS)
        pairs: list[tuple[str, str]] = []
        index: dict[str, tuple[str, ...]] = {}
        for raw_name, raw_value in scope.get("headers", ()):
            name, value = raw_name.decode(_CODEC, _ERRORS), raw_value.decode(_CODEC, _ERRORS)
            pairs.append((name, value))
            key = name.lower()
            earlier = index.get(key)
            index[key] = (value,) if earlier is None else (*earlier, value)
        request = cls(method=str(scope["method"]), path=path, query=query, headers=tuple(pairs), body=body)
        object.__setattr__(request, "_by_name", index)
        return request

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive), or None."""
        values = self._headers_by_name().get(name.lower())
        return values[0] if values else None

    def header_values(self, name: str) -> tuple[str, ...]:
        """Every value of header `name` in the order received."""
        return self._headers_by_name().get(name.lower(), ())

    def has_header(self, name: str) -> bool:
        return name.lower() in self._headers_by_name()
