"""Malformed SigV4 requests and the errors AWS answers them with.

Texts as AWS returns them; see https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
"""

from __future__ import annotations

import pytest
from sigv4_signing import Signer

from warden.auth.http_request import HttpRequest
from warden.auth.sigv4 import parse_signature
from warden.auth.sigv4_parse import _parse_header_form, _parse_sdk_header
from warden.errors import AwsError, IncompleteSignature, MissingAuthenticationToken, SignatureDoesNotMatch

HOST = ("Host", "iam.amazonaws.com")
DATE = ("X-Amz-Date", "20260101T000000Z")
GOOD_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "a" * 64
)


def request_with(*headers: tuple[str, str], query: str = "") -> HttpRequest:
    return HttpRequest.build("POST", "/", query, [HOST, *headers])


def error_of(request: HttpRequest) -> AwsError:
    with pytest.raises(AwsError) as caught:
        parse_signature(request)
    return caught.value


@pytest.mark.parametrize(
    "request_",
    [
        request_with(DATE),
        request_with(DATE, ("Authorization", "Bearer abc")),
        request_with(query="Action=ListUsers"),
    ],
)
def test_no_sigv4_at_all(request_: HttpRequest) -> None:
    error = error_of(request_)
    assert isinstance(error, MissingAuthenticationToken)
    assert (error.code, error.http_status, error.message) == (
        "MissingAuthenticationToken",
        403,
        "Request is missing Authentication Token",
    )


def test_header_missing_every_part() -> None:
    error = error_of(request_with(("Authorization", "AWS4-HMAC-SHA256 ")))
    assert isinstance(error, IncompleteSignature) and error.http_status == 400
    assert error.message == (
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
        "Authorization header requires 'SignedHeaders' parameter. "
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        "Authorization=AWS4-HMAC-SHA256 "
    )


def test_header_missing_equal_sign() -> None:
    auth = "AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders"
    error = error_of(request_with(DATE, ("Authorization", auth)))
    assert isinstance(error, IncompleteSignature)
    assert error.message == (
        "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: "
        "'AWS4-HMAC-SHA256 Signature=b,    Credential,    SignedHeaders'."
    )


def test_bad_date_format() -> None:
    error = error_of(request_with(("X-Amz-Date", "201"), ("Authorization", GOOD_AUTH)))
    assert isinstance(error, IncompleteSignature)
    assert (
        error.message
        == "Date must be in ISO-8601 'basic format'. Got '201'. See http://en.wikipedia.org/wiki/ISO_8601"
    )


def test_host_must_be_signed() -> None:
    auth = GOOD_AUTH.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date")
    error = error_of(request_with(DATE, ("Authorization", auth)))
    assert isinstance(error, SignatureDoesNotMatch)
    assert error.message == "'Host' must be a 'SignedHeader' in the AWS Authorization."


def test_unsupported_algorithm() -> None:
    error = error_of(request_with(DATE, ("Authorization", GOOD_AUTH.replace("SHA256", "SHA25", 1))))
    assert isinstance(error, IncompleteSignature)
    assert error.message == "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). "


def test_credential_needs_five_parts() -> None:
    auth = GOOD_AUTH.replace("AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request", "a/b/c/d")
    error = error_of(request_with(DATE, ("Authorization", auth)))
    assert isinstance(error, IncompleteSignature)
    assert error.message == (
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'"
    )


def test_both_header_and_query() -> None:
    error = error_of(
        request_with(DATE, ("Authorization", GOOD_AUTH), query="X-Amz-Algorithm=AWS4-HMAC-SHA256")
    )
    assert isinstance(error, SignatureDoesNotMatch)
    assert (
        error.message
        == "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
    )


def test_query_missing_parameters() -> None:
    error = error_of(request_with(query="X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z"))
    assert isinstance(error, IncompleteSignature)
    assert error.message == (
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. "
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. "
        "Re-examine the query-string parameters."
    )


@pytest.mark.parametrize(
    ("expires", "message"),
    [
        ("abc", "X-Amz-Expires must be a whole number of seconds, not 'abc'."),
        ("-1", "X-Amz-Expires must be non-negative"),
        (
            "604801",
            (
                "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
                "must be less than 604800 seconds"
            ),
        ),
    ],
)
def test_presigned_expires_validation(sign: Signer, expires: str, message: str) -> None:
    request = sign("GET", "https://iam.amazonaws.com/?Action=ListUsers", presign=True)
    bad = HttpRequest.build(
        "GET", "/", request.query.replace("X-Amz-Expires=3600", f"X-Amz-Expires={expires}"), request.headers
    )
    error = error_of(bad)
    assert isinstance(error, IncompleteSignature) and error.message == message


def test_trailing_slash_in_credential_is_ignored() -> None:
    auth = GOOD_AUTH.replace("aws4_request,", "aws4_request/,")
    info = parse_signature(request_with(DATE, ("Authorization", auth)))
    assert (
        info.terminator == "aws4_request" and info.credential_scope == "20260101/us-east-1/iam/aws4_request"
    )


@pytest.mark.parametrize(
    "authorization",
    [
        GOOD_AUTH,
        GOOD_AUTH.replace(", ", ","),
        GOOD_AUTH.replace("/iam/", "/sts/").replace("us-east-1", "cn-north-1"),
        GOOD_AUTH.replace("host;x-amz-date", "content-type;host;x-amz-date;x-amz-security-token"),
    ],
)
def test_sdk_header_reader_agrees_with_the_general_parser(authorization: str) -> None:
    """The one-match reader of SDK-written headers is a shortcut, never a second meaning."""
    request = request_with(DATE, ("Authorization", authorization), ("X-Amz-Security-Token", "token"))
    shortcut = _parse_sdk_header(request, authorization)
    assert shortcut is not None
    assert shortcut == _parse_header_form(request, authorization)


@pytest.mark.parametrize(
    ("authorization", "headers"),
    [
        (GOOD_AUTH.replace("host;", "content-type;"), [DATE]),  # host unsigned: an error to report
        (GOOD_AUTH.replace("Signature=" + "a" * 64, "Signature=" + "A" * 64), [DATE]),
        (GOOD_AUTH.replace("SignedHeaders=host", "SignedHeaders=Host"), [DATE]),
        (GOOD_AUTH.replace("host;x-amz-date", "host;;x-amz-date"), [DATE]),
        (GOOD_AUTH, [("X-Amz-Date", "20261301T000000Z")]),  # no such month
        (GOOD_AUTH, [("Date", "Thu, 01 Jan 2026 00:00:00 GMT")]),
        (GOOD_AUTH + ", Extra=1", [DATE]),
    ],
)
def test_other_headers_take_the_general_parser(authorization: str, headers: list[tuple[str, str]]) -> None:
    request = request_with(*headers, ("Authorization", authorization))
    assert _parse_sdk_header(request, authorization) is None
