"""AWS Signature Version 4 verification for requests arriving at warden.

Two steps, so the server can look up the secret in between:

    info = parse_signature(request)          # who claims to have signed, no secret needed
    secret = store.secret_for(info.access_key_id)   # unknown key -> InvalidClientTokenId
    verify_signature(request, info, secret, clock.now(), cache=cache)

Verification raises; it never returns a bool. Clock skew and expiry are checked against the
`now` the caller passes. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from warden.auth.canonical import canonical_headers, canonical_query_string, canonical_uri
from warden.auth.http_request import HttpRequest
from warden.auth.messages import (
    INVALID_CLIENT_TOKEN_ID_MESSAGE,
    PRESIGNED_REQUEST_EXPIRED_MESSAGE,
    SIGNATURE_DOES_NOT_MATCH_MESSAGE,
)
from warden.auth.signing_keys import SigningKeyCache, derive_signing_key
from warden.auth.sigv4_parse import ALGORITHM, SignatureInfo, parse_signature
from warden.clock import utc
from warden.errors import RequestExpired, SignatureDoesNotMatch

__all__ = [
    "ALLOWED_CLOCK_SKEW",
    "INVALID_CLIENT_TOKEN_ID_MESSAGE",
    "UNSIGNED_PAYLOAD",
    "SignatureInfo",
    "parse_signature",
    "verify_signature",
]

ALLOWED_CLOCK_SKEW = timedelta(minutes=15)
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_TERMINATOR = "aws4_request"
_STAMP = "%Y%m%dT%H%M%SZ"


def _skew_text(skew: timedelta) -> str:
    seconds = int(skew.total_seconds())
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} sec"


def _check_time(info: SignatureInfo, now: datetime, skew: timedelta) -> None:
    now = (now if now.tzinfo is UTC else utc(now)).replace(microsecond=0)
    latest = now + skew
    if info.request_time > latest:
        raise SignatureDoesNotMatch(
            f"Signature not yet current: {info.amz_date} is still later than {latest.strftime(_STAMP)} "
            f"({now.strftime(_STAMP)} + {_skew_text(skew)}.)"
        )
    if info.presigned and info.expires is not None:
        if now > info.request_time + timedelta(seconds=info.expires):
            raise RequestExpired(PRESIGNED_REQUEST_EXPIRED_MESSAGE)
        return
    earliest = now - skew
    if info.request_time < earliest:
        raise SignatureDoesNotMatch(
            f"Signature expired: {info.amz_date} is now earlier than {earliest.strftime(_STAMP)} "
            f"({now.strftime(_STAMP)} - {_skew_text(skew)}.)"
        )


def _check_scope(info: SignatureInfo, expected_service: str | None, regions: Collection[str] | None) -> None:
    problems: list[str] = []
    if regions is not None and info.region not in regions:
        problems.append(f"Credential should be scoped to a valid region, not '{info.region}'.")
    if expected_service is not None and info.service != expected_service:
        problems.append(f"Credential should be scoped to correct service: '{expected_service}'.")
    if info.terminator != _TERMINATOR:
        problems.append(
            f"Credential should be scoped with a valid terminator: '{_TERMINATOR}', not '{info.terminator}'."
        )
    expected_date = info.amz_date[:8]
    if info.scope_date != expected_date:
        problems.append(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{info.scope_date}' != '{expected_date}', from '{info.amz_date}'."
        )
    if problems:
        raise SignatureDoesNotMatch(" ".join(problems))


def _payload_hash(request: HttpRequest) -> str:
    declared = request.header("x-amz-content-sha256")
    if declared == UNSIGNED_PAYLOAD:
        return declared
    actual = hashlib.sha256(request.body).hexdigest()
    if declared is None:
        return actual
    # The declared hash is what the client signed; it must also describe the body we received.
    if not hmac.compare_digest(declared.lower().encode("utf-8", "surrogateescape"), actual.encode("ascii")):
        raise SignatureDoesNotMatch(SIGNATURE_DOES_NOT_MATCH_MESSAGE)
    return declared


def canonical_request(request: HttpRequest, info: SignatureInfo) -> str:
    """The canonical request the client must have signed (useful in debugging output too)."""
    return "\n".join(
        (
            request.method.upper(),
            canonical_uri(request.path),
            canonical_query_string(request.query, exclude="X-Amz-Signature" if info.presigned else None),
            canonical_headers(request, info.signed_headers),
            info.signed_headers_text,
            _payload_hash(request),
        )
    )


def string_to_sign(request: HttpRequest, info: SignatureInfo) -> str:
    digest = hashlib.sha256(canonical_request(request, info).encode("utf-8", "surrogateescape")).hexdigest()
    return f"{ALGORITHM}\n{info.amz_date}\n{info.credential_scope}\n{digest}"


def verify_signature(
    request: HttpRequest,
    info: SignatureInfo,
    secret_key: bytes | str,
    now: datetime,
    *,
    cache: SigningKeyCache | None = None,
    expected_service: str | None = None,
    regions: Collection[str] | None = None,
    allowed_skew: timedelta = ALLOWED_CLOCK_SKEW,
) -> None:
    """Check that `info` (from `parse_signature(request)`) is a valid, current signature by `secret_key`.

    Raises `SignatureDoesNotMatch` for a wrong signature, a bad credential scope or a request
    time outside `allowed_skew` of `now`, and `RequestExpired` for a presigned request past its
    `X-Amz-Expires`. `cache` memoises signing keys across requests; `expected_service` and
    `regions`, when given, restrict the credential scope.
    """
    _check_time(info, now, allowed_skew)
    _check_scope(info, expected_service, regions)
    secret = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    if cache is not None:
        mac = cache.signer(info.access_key_id, secret, info.scope_date, info.region, info.service)
    else:
        mac = hmac.new(derive_signing_key(secret, info.scope_date, info.region, info.service), digestmod=hashlib.sha256)
    mac.update(string_to_sign(request, info).encode("utf-8"))
    expected = mac.hexdigest()
    if not hmac.compare_digest(expected.encode("ascii"), info.signature.encode("utf-8", "surrogateescape")):
        raise SignatureDoesNotMatch(SIGNATURE_DOES_NOT_MATCH_MESSAGE)
