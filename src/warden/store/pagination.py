"""Pages and opaque keyset markers.

A marker encodes the sort key of the last item returned, never an offset, so rows inserted or
deleted between two calls neither repeat nor skip the rows that were already beyond the marker.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from warden.store.errors import InvalidMarker
from warden.text import storable

__all__ = ["DEFAULT_MAX_ITEMS", "Page", "decode_marker", "encode_marker"]

T = TypeVar("T")

DEFAULT_MAX_ITEMS = 100
"""AWS's default `MaxItems` for IAM list operations."""

_VERSION = 1


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing. `marker` is set exactly when `is_truncated` is true."""

    items: tuple[T, ...]
    marker: str | None = None
    is_truncated: bool = False


def encode_marker(key: Sequence[str | int]) -> str:
    """Encode a sort key as an opaque, URL-safe marker."""
    raw = json.dumps([_VERSION, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_marker(marker: str, arity: int) -> list[str | int]:
    """Decode a marker issued by `encode_marker` for a sort key of `arity` parts.

    Raises `InvalidMarker` for anything else: markers come from clients and are untrusted."""
    try:
        padded = marker + "=" * (-len(marker) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise InvalidMarker(marker) from exc
    if not isinstance(data, list) or len(data) != arity + 1 or data[0] != _VERSION:
        raise InvalidMarker(marker)
    key = data[1:]
    if not all(isinstance(part, (str, int)) and not isinstance(part, bool) for part in key):
        raise InvalidMarker(marker)
    # No stored value holds a NUL or an unpaired surrogate, so no issued marker does; a forged one
    # would make the keyset query fail (PostgreSQL refuses NUL, neither driver encodes a surrogate).
    if any(isinstance(part, str) and not storable(part) for part in key):
        raise InvalidMarker(marker)
    return key
