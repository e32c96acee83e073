"""The parts of an HTTP request that SigV4 looks at, captured as one immutable value.

The path and query string are kept exactly as received (still percent-encoded), because
the signature covers the client's encoding, not a decoded interpretation of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["HttpRequest"]


def _text(raw: bytes) -> str:
    # surrogateescape keeps any byte sequence reversible, so signatures over non-UTF-8 bytes
    # are checked against exactly what was sent.
    return bytes(raw).decode("utf-8", "surrogateescape")


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
    _by_name: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", _index(self.headers))

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
        """Capture an ASGI HTTP scope; `raw_path` is preferred because it is what was signed."""
        raw_path = scope.get("raw_path")
        path = _text(raw_path) if raw_path else str(scope.get("path", "/"))
        query = _text(scope.get("query_string", b""))
        headers = tuple((_text(name), _text(value)) for name, value in scope.get("headers", ()))
        return cls(method=str(scope["method"]), path=path, query=query, headers=headers, body=body)

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive), or None."""
        values = self._by_name.get(name.lower())
        return values[0] if values else None

    def header_values(self, name: str) -> tuple[str, ...]:
        """Every value of header `name` in the order received."""
        return self._by_name.get(name.lower(), ())

    def has_header(self, name: str) -> bool:
        return name.lower() in self._by_name
