"""Date operators: DateEquals, DateLessThan, ... and DateNotEquals.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
("You must specify date/time values with one of the W3C implementations of the
ISO 8601 date formats or in epoch (UNIX) time"; the W3C profile is
https://www.w3.org/TR/NOTE-datetime).

Accepted: `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm`, `...:ss`, `...:ss.s`
(any number of fraction digits), each time with `Z`, `+hh:mm`, `-hh:mm`,
`+hhmm` or `+hh`, or none (read as UTC); the basic form `YYYYMMDDThhmmssZ`;
and epoch seconds (an integer or a decimal). A string of digits alone is epoch
seconds, so the W3C year-only form `YYYY` is read as epoch time, the way
`aws:EpochTime` values are written. Instants are compared, so
`2020-01-01T01:00:00+01:00` equals `2020-01-01T00:00:00Z`. Policy variables
are not supported (AWS: "You can not use a policy variable with the Date
condition operator").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from ..ast import Position
from .base import FamilyBuild, invalid_value
from .ordered import ordered_test

__all__ = ["build_date", "parse_instant"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_EPOCH_SECONDS = re.compile(r"-?\d+(?:\.\d+)?")
_EXTENDED = re.compile(
    r"(\d{4})-(\d{2})(?:-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"([Zz]|[+-]\d{2}(?::?\d{2})?)?)?)?"
)
_BASIC = re.compile(
    r"(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


def _zone(text: str | None) -> timezone | None:
    if text is None or text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4]) if len(digits) > 2 else 0
    if hours > 23 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


@lru_cache(maxsize=2048)
def parse_instant(text: str) -> int | None:
    """Microseconds since the Unix epoch for an accepted date/time string, or None."""
    if _EPOCH_SECONDS.fullmatch(text):
        try:
            return int(Decimal(text) * 1_000_000)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            return None
    match = _EXTENDED.fullmatch(text) or _BASIC.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone_text = match.groups()
    zone = _zone(zone_text)
    if zone is None:
        return None
    micro = int((fraction or "")[:6].ljust(6, "0"))
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=zone,
        )
    except ValueError:
        return None
    return (moment - _EPOCH) // _MICROSECOND


def build_date(
    operator: str, key: str, relation: str, values: tuple[str, ...], position: Position
) -> FamilyBuild:
    """Compile a Date clause; `relation` is the operator name without `Date`/`Not`."""
    parsed: list[int] = []
    for value in values:
        instant = parse_instant(value)
        if instant is None:
            raise invalid_value(operator, key, value, "an ISO 8601 date or epoch seconds", position)
        parsed.append(instant)
    return FamilyBuild(ordered_test(relation, parsed, parse_instant))
