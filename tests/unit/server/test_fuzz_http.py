"""The HTTP layer under hostile requests: bodies that are not forms (bad percent-encoding, invalid
UTF-8, a repeated Action, empty or over-sized), odd content types and targets, and Authorization
headers or presigned query strings that are malformed. Answers are AWS's errors, well-formed,
with a request id and one audit event, never a 500 (the checks of fuzz_client).

The SigV4 errors AWS gives are listed in
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fuzz_client import BACKENDS, FuzzServer, Keys, Payload, fuzz_settings, served  # type: ignore[import-not-found]
from fuzz_values import ODD_STRINGS  # type: ignore[import-not-found]
from hypothesis import given
from hypothesis import strategies as st

FUZZ = fuzz_settings(150)
AUTH_ERRORS = {
    "IncompleteSignature",
    "InvalidClientTokenId",
    "MissingAuthenticationToken",
    "SignatureDoesNotMatch",
    "RequestExpired",
    "ExpiredToken",
    "RequestEntityTooLarge",  # the body is refused before the signature is looked at
}

_FORMS = (
    b"",
    b"Action=GetUser",
    b"Action=GetUser&Version=2010-05-08&UserName=%",
    b"Action=GetUser&Version=2010-05-08&UserName=%zz",
    b"Action=GetUser&Version=2010-05-08&UserName=%ff%fe%00",
    b"Action=GetUser&Version=2010-05-08&UserName=\xff\xfe",
    b"Action=%E0%A4%A&Version=2010-05-08",
    b"Action=GetUser&Action=DeleteUser&Version=2010-05-08&UserName=fuzz",
    b"Action=ListUsers&Version=2010-05-08&Action=",
    b"Action=&Version=",
    b"=&=&&&==",
    b"Action",
    b"Action=GetCallerIdentity&Version=2011-06-15",
    b"Action=LookupEvents&Version=2013-11-01",
    b"Action=ListUsers&Version=2010-05-08&MaxItems=1e3",
    b"Action=ListUsers&Version=2010-05-08&Marker=" + b"%41" * 5000,
    b"Action=TagUser&Version=2010-05-08&UserName=fuzz&Tags.member.99999999999999999999.Key=k",
    b"Action=GetUser&Version=2010-05-08&UserName=a&UserName=b",
    b"Action=CreateUser&Version=2010-05-08&UserName=" + b"a" * (1024 * 1024 - 60),
    b"Action=CreateUser&Version=2010-05-08&UserName=" + b"a" * (1024 * 1024 + 1),
    b'{"Action": "GetUser"}',
    b"<xml/>",
)
_CONTENT_TYPES = (
    None,
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/json",
    "application/x-amz-json-1.1",
    "text/plain",
    "multipart/form-data; boundary=x",
    "",
    "\u00e9",
)
_TARGETS = (
    None,
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents",
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.CreateTrail",
    "CloudTrail_20131101.LookupEvents",
    "LookupEvents",
    "",
    ".",
    "AWSIdentityManagementV20100508.GetUser",
)
_SERVICES = ("iam", "sts", "cloudtrail", "s3", "organizations", "IAM", "")
_AUTH_PIECES = (
    "Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request",
    "Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam",
    "Credential=/////",
    "Credential=" + "A" * 3000 + "/20260101/us-east-1/iam/aws4_request",
    "Credential=ASIAIOSFODNN7EXAMPLE/20260101/us-east-1/sts/aws4_request",
    "Credential=AKIA\u00e9/20260101/us-east-1/iam/aws4_request",
    "SignedHeaders=host;x-amz-date",
    "SignedHeaders=x-amz-date",
    "SignedHeaders=",
    "Signature=" + "0" * 64,
    "Signature=zz",
    "Signature",
    "=",
    ",",
)
_ALGORITHMS = ("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", "AWS4-", "AWS4-ECDSA-P256-SHA256", "Bearer", "AWS", "")
_DATES = (None, "20260101T000000Z", "2026-01-01T00:00:00Z", "yesterday", "", "99999999T999999Z", "20261301T000000Z")
_QUERIES = (
    "",
    "X-Amz-Algorithm=AWS4-HMAC-SHA256",
    ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260101%2Fus-east-1%2Fiam%2F"
    "aws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00&X-Amz-Expires=-5"),
    ("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Date=x&X-Amz-SignedHeaders=host&X-Amz-Signature=0"
    "&X-Amz-Expires=99999999999999999999"),
    "Action=GetUser&Version=2010-05-08&%",
    "%ff%fe=%ff",
)


@st.composite
def authorization_headers(draw: st.DrawFn) -> tuple[tuple[str, str], ...]:
    """A malformed Authorization header (with or without a date), or header bytes that are not UTF-8."""
    pieces = draw(st.lists(st.sampled_from(_AUTH_PIECES + ODD_STRINGS), max_size=5))
    separator = draw(st.sampled_from((", ", ",", " ", "")))
    authorization = f"{draw(st.sampled_from(_ALGORITHMS))} {separator.join(pieces)}"
    headers = [("Authorization", authorization)]
    date = draw(st.sampled_from(_DATES))
    if date is not None:
        headers.append((draw(st.sampled_from(("X-Amz-Date", "Date"))), date))
    if draw(st.booleans()):
        headers.append(("X-Amz-Security-Token", draw(st.sampled_from(("", "x" * 5000, "AQoDYXdz", *ODD_STRINGS)))))
    return tuple(headers)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FuzzServer, Keys]]:
    with served(request, tmp_path_factory) as running:
        yield running


def _encode_header(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


@FUZZ
@given(
    body=st.one_of(st.sampled_from(_FORMS), st.binary(max_size=300)).map(Payload),
    content_type=st.sampled_from(_CONTENT_TYPES),
    target=st.sampled_from(_TARGETS),
    method=st.sampled_from(("POST", "POST", "GET", "PUT", "DELETE")),
    signing=st.one_of(st.sampled_from(_SERVICES), st.none(), authorization_headers()),
    query=st.sampled_from(_QUERIES),
    user_agent=st.sampled_from(("", "aws-cli/2", *ODD_STRINGS)),
)
def test_raw_requests_get_aws_errors(
    server: tuple[FuzzServer, Keys],
    body: Payload,
    content_type: str | None,
    target: str | None,
    method: str,
    signing: str | None | tuple[tuple[str, str], ...],
    query: str,
    user_agent: str,
) -> None:
    fuzz, root = server
    headers: dict[str, str] = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if target is not None:
        headers["X-Amz-Target"] = target
    if isinstance(signing, str):  # correctly signed, for a service of that signing name
        answer = fuzz.signed(root, signing, body.data, headers, method=method, query=query, unsigned=[("User-Agent", user_agent)])
    else:
        pairs = [("host", "warden.test"), ("User-Agent", user_agent), *headers.items(), *(signing or ())]
        answer = fuzz.send(method, body.data, [(k.lower().encode(), _encode_header(v)) for k, v in pairs], query.encode())
    json_wire = answer.headers.get("content-type", "").startswith("application/x-amz-json")
    code = fuzz.check(answer, json_wire=json_wire)
    if not isinstance(signing, str):
        assert code in AUTH_ERRORS, (code, answer)
