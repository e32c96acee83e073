"""Scalar conversions shared by the codecs: timestamps, blobs, booleans.

Kept apart from the codecs so the Query and JSON protocols agree on what a timestamp or a blob
is; only their textual form differs.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

__all__ = [
    "format_iso8601",
    "format_timestamp",
    "parse_base64",
    "parse_boolean",
    "parse_timestamp",
    "to_base64",
    "to_epoch_seconds",
]


def _aware(value: datetime) -> datetime:
    """Naive datetimes inside warden are UTC by convention (see clock.py); make that explicit."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_timestamp(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601, epoch seconds, or RFC 822 text; ValueError otherwise."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("empty timestamp")
    try:
        return datetime.fromtimestamp(float(stripped), UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        return _aware(datetime.fromisoformat(stripped))
    except ValueError:
        pass
    try:
        return _aware(parsedate_to_datetime(stripped))
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"not a timestamp: {text!r}") from None


def format_iso8601(value: datetime) -> str:
    """`2024-05-01T12:00:00Z`, with milliseconds only when there are any, as AWS writes them."""
    moment = _aware(value)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_epoch_seconds(value: datetime) -> float:
    """Epoch seconds with millisecond precision, the JSON protocols' timestamp (`1714564800.5`)."""
    return round(_aware(value).timestamp(), 3)


def format_timestamp(value: datetime, timestamp_format: str) -> str:
    """The text of a timestamp in one of the model's `timestampFormat`s."""
    kind = timestamp_format.lower()
    if kind == "iso8601":
        return format_iso8601(value)
    if kind == "unixtimestamp":
        seconds = to_epoch_seconds(value)
        return str(int(seconds)) if seconds.is_integer() else str(seconds)
    if kind == "rfc822":
        return format_datetime(_aware(value), usegmt=True)
    raise ValueError(f"unknown timestampFormat {timestamp_format!r}")


def parse_boolean(text: str) -> bool:
    """`true`/`false` in any letter case (Coral is lenient about case); ValueError otherwise."""
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ValueError(f"not a boolean: {text!r}")


def parse_base64(text: str) -> bytes:
    """Strictly decoded base64; ValueError on anything that is not."""
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError(f"not base64: {error}") from None


def to_base64(value: bytes | str) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return base64.b64encode(raw).decode("ascii")
