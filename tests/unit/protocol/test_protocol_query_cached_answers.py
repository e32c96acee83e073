"""A repeated all-string answer (GetCallerIdentity's) comes from the kept encoding, and is
byte for byte what encoding it afresh gives."""

from __future__ import annotations

from warden.protocol import encode_query_response, load_service
from warden.protocol.query import _encode


def test_kept_encoding_matches_a_fresh_one() -> None:
    operation = load_service("sts").find_operation("GetCallerIdentity")
    assert operation is not None
    result = {"UserId": "AIDA<&>", "Account": "111122223333", "Arn": "arn:aws:iam::111122223333:user/a&b"}
    for request_id in ("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"):
        assert encode_query_response(operation, result, request_id) == _encode(operation, result, request_id)
    other = {**result, "Arn": "arn:aws:iam::111122223333:user/other"}
    assert b"user/other" in encode_query_response(operation, other, "33333333-3333-4333-8333-333333333333")


def test_answers_with_other_types_are_encoded_each_time() -> None:
    operation = load_service("iam").find_operation("GetAccountSummary")
    assert operation is not None
    result = {"SummaryMap": {"Users": 3}}
    assert encode_query_response(operation, result, "r") == _encode(operation, result, "r")
