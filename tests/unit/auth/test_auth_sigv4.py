"""SigV4 verification against requests signed by botocore.

AWS behaviour follows https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html and
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sigv4_signing import ACCESS_KEY, SECRET_KEY, SIGNED_AT, Signer

from warden.auth.http_request import HttpRequest
from warden.auth.messages import PRESIGNED_REQUEST_EXPIRED_MESSAGE, SIGNATURE_DOES_NOT_MATCH_MESSAGE
from warden.auth.signing_keys import SigningKeyCache
from warden.auth.sigv4 import parse_signature, verify_signature
from warden.errors import RequestExpired, SignatureDoesNotMatch

LIST_USERS = {"Action": "ListUsers", "Version": "2010-05-08"}


def verify(request: HttpRequest, secret: str = SECRET_KEY, now=SIGNED_AT, **kwargs: object) -> None:
    verify_signature(request, parse_signature(request), secret, now, **kwargs)  # type: ignore[arg-type]


def replace_header(request: HttpRequest, name: str, value: str) -> HttpRequest:
    headers = tuple((n, value if n.lower() == name.lower() else v) for n, v in request.headers)
    return dataclasses.replace(request, headers=headers)


def test_post_form_body_verifies(sign: Signer) -> None:
    request = sign(data=LIST_USERS)
    info = parse_signature(request)
    assert info.access_key_id == ACCESS_KEY
    assert (info.scope_date, info.region, info.service) == ("20260101", "us-east-1", "iam")
    assert info.signed_headers == ("content-type", "host", "x-amz-date")
    verify(request)


def test_secret_as_bytes_and_cache_both_work(sign: Signer) -> None:
    request = sign(data=LIST_USERS)
    cache = SigningKeyCache()
    verify(request, SECRET_KEY.encode(), cache=cache)
    verify(request, SECRET_KEY, cache=cache)
    assert len(cache) == 1


def test_wrong_secret_after_cached_success_is_rejected(sign: Signer) -> None:
    request = sign(data=LIST_USERS)
    cache = SigningKeyCache()
    verify(request, cache=cache)
    with pytest.raises(SignatureDoesNotMatch) as caught:
        verify(request, "not-the-secret", cache=cache)
    assert caught.value.message == SIGNATURE_DOES_NOT_MATCH_MESSAGE
    assert caught.value.code == "SignatureDoesNotMatch" and caught.value.http_status == 403


@pytest.mark.parametrize(
    "url",
    [
        "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
        "https://iam.amazonaws.com/?Action=GetUser&UserName=a%20b%2Bc%2Fd&Version=2010-05-08",
        "https://iam.amazonaws.com/?Tag=%E2%9C%93&empty=&flag&b=2&a=1&a=0",
    ],
)
def test_get_with_query_needing_encoding(sign: Signer, url: str) -> None:
    verify(sign("GET", url, service="sts" if "sts" in url else "iam"))


@pytest.mark.parametrize(
    "path",
    [
        "/a%20b/c",
        "/users/name%2Bwith%2Fslash",
        "/x/./y/../z",
        "/caf%C3%A9/",
        "/tilde~star%2A",
        "/double//slash",
    ],
)
def test_paths_with_special_characters(sign: Signer, path: str) -> None:
    verify(sign("GET", "https://iam.amazonaws.com" + path + "?Action=ListUsers"))


def test_session_token_header_is_reported_and_signed(sign: Signer) -> None:
    request = sign(data=LIST_USERS, token="FwoGZXIvYXdzE+/token==")
    info = parse_signature(request)
    assert info.security_token == "FwoGZXIvYXdzE+/token=="
    assert "x-amz-security-token" in info.signed_headers
    verify(request)
    with pytest.raises(SignatureDoesNotMatch):
        verify(replace_header(request, "X-Amz-Security-Token", "FwoGZXIvYXdzE+/other=="))


def test_date_header_instead_of_x_amz_date(sign: Signer) -> None:
    request = sign(data=LIST_USERS, headers={"Date": "Thu, 01 Jan 1970 00:00:00 GMT"})
    assert not request.has_header("x-amz-date") and request.has_header("date")
    info = parse_signature(request)
    assert info.request_time == SIGNED_AT and info.amz_date == "20260101T000000Z"
    verify(request)


def test_tampered_body_is_rejected(sign: Signer) -> None:
    request = sign(data=LIST_USERS)
    tampered = dataclasses.replace(request, body=request.body.replace(b"ListUsers", b"ListRoles"))
    with pytest.raises(SignatureDoesNotMatch):
        verify(tampered)


def test_tampered_signed_header_is_rejected(sign: Signer) -> None:
    request = sign(data=LIST_USERS)
    with pytest.raises(SignatureDoesNotMatch):
        verify(replace_header(request, "Content-Type", "application/json"))


def test_unsigned_header_may_change(sign: Signer) -> None:
    request = sign(data=LIST_USERS)
    verify(dataclasses.replace(request, headers=(*request.headers, ("User-Agent", "anything"))))


def test_tampered_query_is_rejected(sign: Signer) -> None:
    request = sign("GET", "https://iam.amazonaws.com/?Action=ListUsers&MaxItems=5")
    with pytest.raises(SignatureDoesNotMatch):
        verify(dataclasses.replace(request, query=request.query.replace("MaxItems=5", "MaxItems=6")))


def test_tampered_path_is_rejected(sign: Signer) -> None:
    request = sign("GET", "https://iam.amazonaws.com/a?Action=ListUsers")
    with pytest.raises(SignatureDoesNotMatch):
        verify(dataclasses.replace(request, path="/b"))


def test_tampered_date_is_rejected(sign: Signer) -> None:
    request = sign(data=LIST_USERS)
    with pytest.raises(SignatureDoesNotMatch) as caught:
        verify(replace_header(request, "X-Amz-Date", "20260101T000001Z"))
    assert caught.value.message == SIGNATURE_DOES_NOT_MATCH_MESSAGE


def test_scope_date_must_match_request_date(sign: Signer) -> None:
    request = sign(data=LIST_USERS)
    moved = replace_header(request, "X-Amz-Date", "20260102T000000Z")
    with pytest.raises(SignatureDoesNotMatch) as caught:
        verify(moved, now=SIGNED_AT + timedelta(days=1))
    assert caught.value.message == (
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        "'20260101' != '20260102', from '20260102T000000Z'."
    )


def test_scope_service_and_region_restrictions(sign: Signer) -> None:
    request = sign(data=LIST_USERS, region="eu-west-1", service="sts")
    verify(request, expected_service="sts", regions={"eu-west-1"})
    with pytest.raises(SignatureDoesNotMatch) as caught:
        verify(request, expected_service="iam", regions={"us-east-1"})
    assert caught.value.message == (
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
        "Credential should be scoped to correct service: 'iam'."
    )


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (
            timedelta(minutes=15, seconds=1),
            (
                "Signature expired: 20260101T000000Z is now earlier than 20260101T000001Z "
                "(20260101T001501Z - 15 min.)"
            ),
        ),
        (
            -timedelta(minutes=15, seconds=1),
            (
                "Signature not yet current: 20260101T000000Z is still later than 20251231T235959Z "
                "(20251231T234459Z + 15 min.)"
            ),
        ),
    ],
)
def test_clock_skew_both_directions(sign: Signer, offset: timedelta, message: str) -> None:
    """AWS answers a skewed header signature with SignatureDoesNotMatch and these texts."""
    request = sign(data=LIST_USERS)
    verify(request, now=SIGNED_AT + offset / abs(offset.total_seconds()) * 900)  # exactly 15 min: accepted
    with pytest.raises(SignatureDoesNotMatch) as caught:
        verify(request, now=SIGNED_AT + offset)
    assert caught.value.message == message


def test_unsigned_payload_header(sign: Signer) -> None:
    request = sign(data=LIST_USERS, headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    verify(request)
    # The body is deliberately outside the signature, so changing it is allowed.
    verify(dataclasses.replace(request, body=b"Action=ListRoles&Version=2010-05-08"))


def test_declared_payload_hash_must_match_body(sign: Signer) -> None:
    import hashlib

    body = b"Action=ListUsers&Version=2010-05-08"
    declared = hashlib.sha256(body).hexdigest()
    request = sign(data=body, headers={"X-Amz-Content-SHA256": declared, "Content-Type": "text/plain"})
    verify(request)
    with pytest.raises(SignatureDoesNotMatch):
        verify(dataclasses.replace(request, body=b"Action=ListRoles&Version=2010-05-08"))


def test_presigned_get_verifies(sign: Signer) -> None:
    request = sign(
        "GET",
        "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
        service="sts",
        presign=True,
        expires=900,
    )
    info = parse_signature(request)
    assert info.presigned and info.expires == 900 and info.signed_headers == ("host",)
    verify(request, now=SIGNED_AT + timedelta(seconds=899))


def test_presigned_post_moves_form_into_query(sign: Signer) -> None:
    request = sign(data=LIST_USERS, presign=True, token="session/token+x==")
    assert request.body == b"" and "Action=ListUsers" in request.query
    info = parse_signature(request)
    assert info.security_token == "session/token+x=="
    verify(request)


def test_presigned_expired(sign: Signer) -> None:
    request = sign("GET", "https://iam.amazonaws.com/?Action=ListUsers", presign=True, expires=60)
    verify(request, now=SIGNED_AT + timedelta(seconds=60))
    with pytest.raises(RequestExpired) as caught:
        verify(request, now=SIGNED_AT + timedelta(seconds=61))
    assert caught.value.message == PRESIGNED_REQUEST_EXPIRED_MESSAGE
    assert caught.value.code == "RequestExpired" and caught.value.http_status == 400


def test_presigned_not_yet_current(sign: Signer) -> None:
    request = sign("GET", "https://iam.amazonaws.com/?Action=ListUsers", presign=True)
    with pytest.raises(SignatureDoesNotMatch, match="^Signature not yet current"):
        verify(request, now=SIGNED_AT - timedelta(minutes=16))


def test_presigned_tampered_query_and_signature(sign: Signer) -> None:
    request = sign("GET", "https://iam.amazonaws.com/?Action=ListUsers", presign=True)
    with pytest.raises(SignatureDoesNotMatch):
        verify(dataclasses.replace(request, query=request.query.replace("ListUsers", "ListRoles")))
    with pytest.raises(SignatureDoesNotMatch):
        verify(
            dataclasses.replace(
                request, query=request.query.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200")
            )
        )
    info = parse_signature(request)
    forged = dataclasses.replace(info, signature="0" * 64)
    with pytest.raises(SignatureDoesNotMatch):
        verify_signature(request, forged, SECRET_KEY, SIGNED_AT)


def test_boto3_client_request_verifies(freeze_botocore: object) -> None:
    """A real IAM call from boto3 (captured before it is sent) verifies unchanged."""
    import boto3
    from botocore.awsrequest import AWSResponse
    from sigv4_signing import to_http_request

    captured: list[HttpRequest] = []

    def capture(request: object, **_: object) -> AWSResponse:
        captured.append(to_http_request(request))  # type: ignore[arg-type]
        body = (
            b'<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult>'
            b"<Users/><IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>"
        )
        return AWSResponse("https://iam.amazonaws.com/", 200, {}, _Raw(body))

    client = boto3.client(
        "iam",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
        endpoint_url="http://localhost:4566",
    )
    client.meta.events.register("before-send.iam.*", capture)
    client.list_users(PathPrefix="/division abc/")
    (request,) = captured
    verify(request, expected_service="iam")


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: object) -> list[bytes]:
        return [self._body]
