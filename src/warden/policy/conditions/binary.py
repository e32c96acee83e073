"""The BinaryEquals operator.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals

Policy values are base64 text; the comparison is byte for byte on the decoded
bytes, so two encodings of the same bytes are equal. Request values arrive as
strings and are read as base64 too; one that is not valid base64 matches
nothing. A policy value that is not valid base64 makes the policy malformed.
"""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

from ..ast import Position
from ..variables import Context
from .base import FamilyBuild, invalid_value

__all__ = ["build_binary", "decode_base64"]


@lru_cache(maxsize=1024)
def decode_base64(text: str) -> bytes | None:
    """The bytes `text` encodes in standard base64, or None when it is not valid base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def build_binary(operator: str, key: str, values: tuple[str, ...], position: Position) -> FamilyBuild:
    """Compile a BinaryEquals clause."""
    decoded: set[bytes] = set()
    for value in values:
        data = decode_base64(value)
        if data is None:
            raise invalid_value(operator, key, value, "base64-encoded bytes", position)
        decoded.add(data)
    members = frozenset(decoded)

    def test(value: str, ctx: Context) -> bool | None:
        data = decode_base64(value)
        return None if data is None else data in members

    return FamilyBuild(test)
