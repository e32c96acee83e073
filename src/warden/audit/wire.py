"""Request parameters and response elements as CloudTrail writes them.

CloudTrail names members in lower camel case (`userName`, `policyArn`), hides every secret with
`HIDDEN_DUE_TO_SECURITY_REASONS`, and writes dates as `Dec 1, 2026, 6:07:12 AM`. The operation's
botocore shapes drive all three, so what is secret comes from the model, not from a hand list.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from warden.protocol import REDACTED, Operation, is_sensitive

__all__ = ["request_parameters", "response_elements", "trail_date", "trail_time"]


# The second last written: (its start, the next second's start, its text), all in UTC.
_last_second = (datetime.min.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC), "")
_SECOND = timedelta(seconds=1)


def trail_time(moment: datetime) -> str:
    """CloudTrail's `eventTime` and session `creationDate`: ISO 8601 to the second, in UTC.

    Every recorded event pays for it, and events come many to a second: the last second's text
    is reused while times fall inside it (comparing two UTC datetimes is a tenth of the cost
    of formatting one)."""
    start, end, text = _last_second
    if moment.tzinfo is UTC and start <= moment < end:
        return text
    text = _formatted(moment)
    if moment.tzinfo is UTC:
        _remember(moment, text)
    return text


def _remember(moment: datetime, text: str) -> None:
    global _last_second
    start = moment.replace(microsecond=0)
    try:
        _last_second = (start, start + _SECOND, text)
    except OverflowError:  # the last second of year 9999
        pass


def _formatted(moment: datetime) -> str:
    """By hand: strftime costs twice as much, an f-string with format specifications half as
    much again."""
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (  # noqa: UP031
        moment.year,
        moment.month,
        moment.day,
        moment.hour,
        moment.minute,
        moment.second,
    )


def trail_date(moment: datetime) -> str:
    """CloudTrail's rendering of dates inside requestParameters and responseElements."""
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{moment:%b} {moment.day}, {moment.year}, {hour}:{moment:%M:%S} {half}"


def _lower_camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _plain(value: Any) -> Any:
    """A JSON-ready value when no shape describes it."""
    if isinstance(value, datetime):
        return trail_date(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# Members CloudTrail leaves out rather than hides, by structure: the secret key of the temporary
# credentials STS returns (its records list accessKeyId, sessionToken and expiration only).
# https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html (AWS STS examples)
_LEFT_OUT = {"Credentials": frozenset({"SecretAccessKey"})}


def _trail(shape: Shape | None, value: Any) -> Any:
    if value is None:
        return None
    if shape is None:
        return _plain(value)
    if is_sensitive(shape):
        return REDACTED
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        members = shape.members
        left_out = _LEFT_OUT.get(shape.name)
        if left_out is not None:
            value = {key: item for key, item in value.items() if key not in left_out}
        return {_lower_camel(key): _trail(members.get(key), item) for key, item in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list | tuple):
        return [_trail(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return {str(key): _trail(shape.value, item) for key, item in value.items()}
    return _plain(value)


def request_parameters(operation: Operation | None, params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """`requestParameters`: null when the call had none, as CloudTrail writes it."""
    if not params:
        return None
    shape = operation.input_shape if operation is not None else None
    converted: dict[str, Any] = _trail(shape, params)
    return converted


def response_elements(operation: Operation | None, result: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """`responseElements`: null when there is nothing to tell."""
    if not result:
        return None
    shape = operation.output_shape if operation is not None else None
    converted: dict[str, Any] = _trail(shape, result)
    return converted
