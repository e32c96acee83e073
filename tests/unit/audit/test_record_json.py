"""The stored text of a record: the same text json.dumps(separators=(",", ":"),
ensure_ascii=False, default=str) writes, hashed over exactly the bytes stored.

Integrity verification re-hashes the stored text, so the text and the hash must agree; the
document must read back unchanged."""

from __future__ import annotations

import enum
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warden.audit.record_json import ascii_record_bytes, record_hash, record_text


def _standard(document: Any) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str)


_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text()
_documents = st.dictionaries(
    st.text(),
    st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4)),
    max_size=8,
)


@given(_documents)
def test_text_is_what_json_dumps_writes(document: dict[str, Any]) -> None:
    text, digest = record_text(document)
    assert text == _standard(document)
    assert digest == record_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


@given(st.dictionaries(st.text(), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_with_fractions_read_back_unchanged(document: dict[str, float]) -> None:
    """Both write the shortest text that reads back as the same float (orjson writes 1e-7 where
    json writes 1e-07): the same document, not always the same characters."""
    assert json.loads(record_text(document)[0]) == document


def test_non_ascii_and_control_characters_are_written_as_json_does() -> None:
    document = {"userName": "Zoë 名前 \u2028\u2029 \x7f", "note": "tab\tline\nnul\x00quote\"back\\"}
    assert record_text(document)[0] == _standard(document)
    assert "Zoë 名前" in record_text(document)[0]


class _Colour(str, enum.Enum):
    RED = "red"


class _Size(enum.IntEnum):
    LARGE = 3


@dataclass
class _Point:
    x: int


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 12, 1, 6, 7, 8, 9, tzinfo=UTC),
        datetime(2026, 12, 1, 6, 7, 8, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 12, 1, 6, 7, 8),
        date(2026, 12, 1),
        time(6, 7, 8),
        _Point(1),
        {"a", "b"} - {"b"},
        b"bytes",
        Decimal("1.10"),
        uuid.UUID(int=7),
        _Colour.RED,
        _Size.LARGE,
        (1, "two"),
    ],
    ids=lambda v: type(v).__name__,
)
def test_values_json_cannot_hold_are_written_as_default_str_writes_them(value: object) -> None:
    document = {"value": value, "nested": {"list": [value]}}
    assert record_text(document)[0] == _standard(document)


@pytest.mark.parametrize(
    "document",
    [{"big": 2**70}, {"negative": -(2**64)}, {"keys": {1: "one", None: "none", False: "no", 2.5: "x"}}],
    ids=["past-64-bits", "below-64-bits", "non-string-keys"],
)
def test_what_the_fast_serializer_refuses_is_written_by_the_standard_library(document: dict[str, Any]) -> None:
    text, digest = record_text(document)
    assert text == _standard(document)
    assert digest == record_hash(text)


def test_deep_nesting_is_written_by_the_standard_library() -> None:
    document: dict[str, Any] = {}
    inner = document
    for _ in range(300):  # past orjson's nesting limit, within json's recursion limit
        inner["next"] = {}
        inner = inner["next"]
    assert record_text(document)[0] == _standard(document)


def _standard_ascii(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), default=str).encode("utf-8")


@given(_documents)
def test_alert_bodies_are_what_json_dumps_writes_by_default(document: dict[str, Any]) -> None:
    """Alert targets receive the record with non-ASCII escaped (json.dumps' default)."""
    assert ascii_record_bytes(document) == _standard_ascii(document)


@pytest.mark.parametrize(
    "document",
    [
        {"userName": "Zoë"},
        {"userAgent": "delete \x7f"},
        {"userAgent": "bad \ud800"},
        {"big": 2**70},
        {"when": datetime(2026, 12, 1, tzinfo=UTC), "plain": "ascii \t\n"},
    ],
    ids=["non-ascii", "delete-character", "lone-surrogate", "past-64-bits", "ascii"],
)
def test_alert_bodies_escape_what_json_dumps_escapes(document: dict[str, Any]) -> None:
    body = ascii_record_bytes(document)
    assert body == _standard_ascii(document)
    assert body.isascii()


def test_a_lone_surrogate_is_stored_as_the_replacement_character() -> None:
    # Found by the fuzzer: a User-Agent header that is not UTF-8 (or a "\ud800" escape in a JSON
    # body) reaches the record as a lone surrogate, which UTF-8 cannot hold; the event was lost.
    text, digest = record_text({"userAgent": "agent \udcff", "n": 1})
    assert text == '{"userAgent":"agent \ufffd","n":1}'
    assert digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
