"""Text every layer can carry onward: what UTF-8 can encode and what a store can hold.

A Python string can hold what neither can: a lone surrogate (a header byte that was not UTF-8,
kept by `surrogateescape`; a `"\\ud800"` escape in JSON), which UTF-8 cannot encode, and a NUL
(`%00`), which PostgreSQL text cannot hold. No stored name, ARN or key holds either.
"""

from __future__ import annotations

import re

__all__ = ["has_lone_surrogate", "storable", "to_storable", "utf8_safe"]

# In a str every surrogate code point is a lone one (a pair is decoded to one character).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def has_lone_surrogate(text: str) -> bool:
    return _LONE_SURROGATE.search(text) is not None


def utf8_safe(text: str) -> str:
    """`text` with each lone surrogate written as U+FFFD, so that it encodes as UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def storable(text: str) -> bool:
    """Whether a store can hold (and look up) `text`: no NUL and no lone surrogate."""
    return _UNSTORABLE.search(text) is None


def to_storable(text: str) -> str:
    """`text` with each NUL and lone surrogate written as U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)
