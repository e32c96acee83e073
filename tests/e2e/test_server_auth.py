"""Authentication over HTTP: every SigV4 failure gets AWS's code, status and message.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
"""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import httpx
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from live_server import LiveServer

BODY = "Action=GetCallerIdentity&Version=2011-06-15"


def _signed(server: LiveServer, key: str, secret: str, *, body: str = BODY, service: str = "sts") -> AWSRequest:
    request = AWSRequest(
        method="POST",
        url=server.endpoint + "/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return request


def _send(request: AWSRequest) -> httpx.Response:
    prepared = request.prepare()
    return httpx.request(prepared.method, prepared.url, headers=dict(prepared.headers), content=prepared.body)


def _code(response: httpx.Response) -> str:
    found = re.search(r"<Code>([^<]+)</Code>", response.text)
    assert found, response.text
    return found.group(1)


def test_healthz(server: LiveServer) -> None:
    response = httpx.get(server.endpoint + "/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_get_caller_identity_as_root_and_as_user(server: LiveServer, new_user) -> None:  # type: ignore[no-untyped-def]
    sts = server.client("sts", *server.root_keys())
    assert sts.get_caller_identity()["Arn"] == "arn:aws:iam::111122223333:root"
    name, _, user_sts = new_user()
    identity = user_sts.get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::111122223333:user/{name}"
    assert identity["UserId"].startswith("AIDA") and identity["Account"] == "111122223333"


def test_signed_request_is_accepted_and_carries_a_request_id(server: LiveServer) -> None:
    response = _send(_signed(server, *server.root_keys()))
    assert response.status_code == 200
    assert response.headers["x-amzn-requestid"] in response.text


def test_missing_authentication(server: LiveServer) -> None:
    response = httpx.post(server.endpoint + "/", content=BODY,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (response.status_code, _code(response)) == (403, "MissingAuthenticationToken")
    assert "Request is missing Authentication Token" in response.text


def test_incomplete_signature(server: LiveServer) -> None:
    response = httpx.post(
        server.endpoint + "/",
        content=BODY,
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261128/us-east-1/sts/aws4_request",
                 "X-Amz-Date": "20261128T120000Z", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (response.status_code, _code(response)) == (400, "IncompleteSignature")


def test_wrong_secret(server: LiveServer) -> None:
    key, _ = server.root_keys()
    response = _send(_signed(server, key, "x" * 40))
    assert (response.status_code, _code(response)) == (403, "SignatureDoesNotMatch")


def test_tampered_body(server: LiveServer) -> None:
    request = _signed(server, *server.root_keys())
    prepared = request.prepare()
    response = httpx.post(server.endpoint + "/", headers=dict(prepared.headers),
                          content=BODY.replace("GetCallerIdentity", "GetCallerIdentitY"))
    assert (response.status_code, _code(response)) == (403, "SignatureDoesNotMatch")


def test_unknown_access_key(server: LiveServer) -> None:
    response = _send(_signed(server, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
    assert (response.status_code, _code(response)) == (403, "InvalidClientTokenId")
    assert "The security token included in the request is invalid." in response.text


def test_session_token_sent_with_a_long_term_key(server: LiveServer) -> None:
    """A stale session token sent with an IAM user's or the root user's long-term key is refused
    with InvalidClientTokenId, "The security token included in the request is invalid", as a
    leftover AWS_SESSION_TOKEN is on AWS
    (https://bobbyhadz.com/blog/aws-cli-security-token-included-request-invalid)."""
    key, secret = server.root_keys()
    temporary = server.client("sts", key, secret).get_session_token()["Credentials"]
    request = AWSRequest(
        method="POST",
        url=server.endpoint + "/",
        data=BODY,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key, secret, temporary["SessionToken"]), "sts", "us-east-1").add_auth(request)
    response = _send(request)
    assert (response.status_code, _code(response)) == (403, "InvalidClientTokenId")
    assert "The security token included in the request is invalid." in response.text
    assert _send(_signed(server, key, secret)).status_code == 200


def test_clock_skew_beyond_fifteen_minutes(server: LiveServer) -> None:
    """IAM and STS answer a signature dated over 15 minutes away with SignatureDoesNotMatch
    ("Signature expired: ... is now earlier than ...")."""
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=20)
    with mock.patch("botocore.auth.get_current_datetime", return_value=old):
        request = _signed(server, *server.root_keys())
    response = _send(request)
    assert response.status_code == 403
    assert "Signature expired" in response.text


def test_presigned_query_string(server: LiveServer) -> None:
    request = AWSRequest(method="GET", url=server.endpoint + "/?" + BODY)
    SigV4QueryAuth(Credentials(*server.root_keys()), "sts", "us-east-1", expires=60).add_auth(request)
    response = httpx.get(request.prepare().url)
    assert response.status_code == 200, response.text
    assert "arn:aws:iam::111122223333:root" in response.text


def test_unknown_and_unimplemented_actions(server: LiveServer) -> None:
    unknown = _send(_signed(server, *server.root_keys(), body="Action=Bogus&Version=2010-05-08", service="iam"))
    assert (unknown.status_code, _code(unknown)) == (400, "InvalidAction")
    missing = _send(
        _signed(server, *server.root_keys(), body="Action=ListSAMLProviders&Version=2010-05-08", service="iam")
    )
    assert (missing.status_code, _code(missing)) == (501, "NotImplemented")
    assert "ListSAMLProviders" in missing.text
