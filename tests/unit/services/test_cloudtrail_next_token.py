"""LookupEvents' NextToken: anything but a token warden issued for the same parameters is
refused with InvalidNextTokenException, never a 500."""

from __future__ import annotations

import base64

import pytest

from warden.services.cloudtrail import InvalidNextTokenException, _decode_token


@pytest.mark.parametrize(
    "document",
    [b"not json", b"[1, 2]", b'{"t": "yesterday", "s": 1, "f": "x"}', b"[" * 50_000 + b"]" * 50_000],
)
def test_a_token_warden_did_not_issue_is_refused(document: bytes) -> None:
    with pytest.raises(InvalidNextTokenException):
        _decode_token(base64.urlsafe_b64encode(document).decode(), "x")
