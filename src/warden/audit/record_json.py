"""The stored text of an audit record and its hash, and the text alert targets receive.

The stored text is what digests seal (integrity re-hashes it), so it must be valid JSON of the
record, compact, with non-ASCII characters left as UTF-8 and anything JSON cannot hold written
as `str(value)`: what `json.dumps(separators=(",", ":"), ensure_ascii=False, default=str)`
writes. orjson writes that same text several times faster for the records warden builds
(strings, booleans, null, integers, nested objects). Dates and dataclasses are handed to
`default` rather than written orjson's own way; a record orjson refuses (an integer past 64
bits, a non-string key, deep nesting, a lone surrogate) goes to the standard library, which
accepts or fails on it as it always did, except that a lone surrogate (a header that was not
UTF-8, a `\\ud800` escape in a JSON body) is stored as U+FFFD: UTF-8 cannot hold it. Floats keep their value but not always their digits
(1e-7 for 1e-07), and NaN becomes null; no operation warden serves carries a float.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import orjson

from warden.text import utf8_safe

__all__ = ["ascii_record_bytes", "member_text", "record_hash", "record_text"]

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def record_hash(record: str) -> str:
    """The SHA-256 of a stored record's UTF-8 text (what digests list and verification checks)."""
    return hashlib.sha256(record.encode("utf-8")).hexdigest()


def _orjson_text(document: Mapping[str, Any]) -> bytes | None:
    """orjson's UTF-8 text of the record, or None for a record it refuses."""
    try:
        return orjson.dumps(document, default=str, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return None


def member_text(value: Any) -> bytes:
    """One value's text exactly as orjson writes it inside a record (templates splice it in);
    raises orjson.JSONEncodeError for a value orjson refuses."""
    return orjson.dumps(value, default=str, option=_OPTIONS)


def record_text(document: Mapping[str, Any]) -> tuple[str, str]:
    """The record's JSON text and the SHA-256 of exactly that text, hashed from the bytes the
    serializer produced rather than re-encoded."""
    data = _orjson_text(document)
    if data is None:
        text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str)
        data = utf8_safe(text).encode("utf-8")
    return data.decode("utf-8"), hashlib.sha256(data).hexdigest()


def ascii_record_bytes(document: Mapping[str, Any]) -> bytes:
    """The compact JSON with everything outside printable ASCII escaped, as json.dumps writes
    it by default (the body alert targets receive). The UTF-8 text already is exactly that when
    it holds nothing outside printable ASCII, as nearly every record does."""
    data = _orjson_text(document)
    if data is not None and data.isascii() and b"\x7f" not in data:
        return data
    return json.dumps(document, separators=(",", ":"), default=str).encode("ascii")
