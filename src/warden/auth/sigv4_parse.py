"""Step one of SigV4: read who claims to have signed a request, without any secret.

The server needs the access key id before it can fetch the secret, so parsing is separate
from verification (`warden.auth.sigv4.verify_signature`). Checks and messages follow what AWS
returns, in AWS's order: missing parameters, date format, `host` signed, algorithm, scope shape.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from warden.auth.canonical import decode_component
from warden.auth.http_request import HttpRequest
from warden.auth.messages import (
    BOTH_HEADER_AND_QUERY_MESSAGE,
    HOST_NOT_SIGNED_MESSAGE,
    MISSING_AUTHENTICATION_TOKEN_MESSAGE,
)
from warden.errors import IncompleteSignature, MissingAuthenticationToken, SignatureDoesNotMatch

__all__ = ["ALGORITHM", "MAX_PRESIGNED_EXPIRES", "SignatureInfo", "parse_signature"]

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_PRESIGNED_EXPIRES = 604800  # seven days, the longest a SigV4 signing key is valid
_ISO_BASIC = re.compile(r"\d{8}T\d{6}Z")
_SEPARATORS = re.compile(r"[,\s]+")
# The Authorization header exactly as the AWS SDKs and CLI write it. A header of this form is
# read in one match; anything else (other orders, spacing, malformed parts) takes the general
# parser, which also produces AWS's error messages.
_SDK_HEADER = re.compile(
    r"AWS4-HMAC-SHA256 Credential=([A-Za-z0-9]+)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request,"
    r" ?SignedHeaders=([a-z0-9-]+(?:;[a-z0-9-]+)*), ?Signature=([0-9a-f]{64})"
)
_HEADER_PARAMS = ("Credential", "Signature", "SignedHeaders")
_QUERY_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
)


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    """What a request claims about its signature; nothing here is trusted until verified."""

    access_key_id: str
    scope_date: str
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signed_headers_text: str
    signature: str
    request_time: datetime
    amz_date: str
    security_token: str | None
    presigned: bool
    expires: int | None

    @property
    def credential_scope(self) -> str:
        return f"{self.scope_date}/{self.region}/{self.service}/{self.terminator}"


def _query_params(raw_query: str) -> dict[str, str]:
    """The first value of each (decoded) query parameter name."""
    params: dict[str, str] = {}
    if raw_query:
        for piece in raw_query.split("&"):
            if piece:
                name, _, value = piece.partition("=")
                params.setdefault(decode_component(name), decode_component(value))
    return params


def _parse_iso_basic(text: str) -> datetime | None:
    if not _ISO_BASIC.fullmatch(text):
        return None
    try:  # the pattern admits only the basic form, which fromisoformat reads (as UTC, for the Z)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_http_date(text: str) -> datetime | None:
    parsed = _parse_iso_basic(text)
    if parsed is not None:
        return parsed
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 2822 "-0000" means UTC with no claim about local time
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _bad_date(value: str) -> IncompleteSignature:
    return IncompleteSignature(
        f"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
    )


def _header_fields(authorization: str) -> tuple[str, dict[str, str]]:
    algorithm, _, rest = authorization.strip().partition(" ")
    fields: dict[str, str] = {}
    for part in _SEPARATORS.split(rest):
        if not part:
            continue
        if "=" not in part:
            raise IncompleteSignature(
                f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header: "
                f"'{authorization}'."
            )
        name, _, value = part.partition("=")
        fields.setdefault(name, value)
    return algorithm, fields


def _common_checks(
    algorithm: str, credential: str, signed_headers_text: str
) -> tuple[list[str], tuple[str, ...]]:
    signed_headers = tuple(name.strip().lower() for name in signed_headers_text.split(";") if name.strip())
    if "host" not in signed_headers:
        raise SignatureDoesNotMatch(HOST_NOT_SIGNED_MESSAGE)
    if algorithm != ALGORITHM:
        raise IncompleteSignature(f"Unsupported AWS 'algorithm': '{algorithm}' (only {ALGORITHM} for now). ")
    parts = credential.rstrip("/").split("/")
    if len(parts) != 5:
        raise IncompleteSignature(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
            f"got '{credential}'"
        )
    return parts, signed_headers


def _parse_expires(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not re.fullmatch(r"-?\d{1,12}", raw):
        raise IncompleteSignature(f"X-Amz-Expires must be a whole number of seconds, not '{raw}'.")
    expires = int(raw)
    if expires < 0:
        raise IncompleteSignature("X-Amz-Expires must be non-negative")
    if expires > MAX_PRESIGNED_EXPIRES:
        raise IncompleteSignature(
            "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
            f"must be less than {MAX_PRESIGNED_EXPIRES} seconds"
        )
    return expires


def _parse_sdk_header(request: HttpRequest, authorization: str) -> SignatureInfo | None:
    """The claims of an SDK-written header with a valid X-Amz-Date, or None to use the general
    parser (which reads the same claims from such a header, more slowly)."""
    match = _SDK_HEADER.fullmatch(authorization)
    if match is None:
        return None
    date_text = request.header("x-amz-date")
    if date_text is None:
        return None
    request_time = _parse_iso_basic(date_text)
    if request_time is None:
        return None
    key_id, scope_date, region, service, signed_headers_text, signature = match.groups()
    signed_headers = tuple(signed_headers_text.split(";"))
    if "host" not in signed_headers:
        return None
    scope = [key_id, scope_date, region, service, "aws4_request"]
    return _claims(
        scope, signed_headers, signed_headers_text, signature, request_time, date_text,
        request.header("x-amz-security-token"),
    )


def _claims(
    scope: list[str],
    signed_headers: tuple[str, ...],
    signed_headers_text: str,
    signature: str,
    request_time: datetime,
    amz_date: str,
    security_token: str | None,
    *,
    presigned: bool = False,
    expires: int | None = None,
) -> SignatureInfo:
    """The claims of a signature (an Authorization header's, or with `presigned` a query
    string's): `scope` is the credential's five parts."""
    return SignatureInfo(
        access_key_id=scope[0],
        scope_date=scope[1],
        region=scope[2],
        service=scope[3],
        terminator=scope[4],
        signed_headers=signed_headers,
        signed_headers_text=signed_headers_text,
        signature=signature,
        request_time=request_time,
        amz_date=amz_date,
        security_token=security_token,
        presigned=presigned,
        expires=expires,
    )


def _parse_header_form(request: HttpRequest, authorization: str) -> SignatureInfo:
    algorithm, fields = _header_fields(authorization)
    problems = [
        f"Authorization header requires '{name}' parameter."
        for name in _HEADER_PARAMS
        if not fields.get(name)
    ]
    date_text = request.header("x-amz-date")
    from_date_header = date_text is None
    if from_date_header:
        date_text = request.header("date")
    if date_text is None:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if problems:
        raise IncompleteSignature(" ".join(problems) + f" Authorization={authorization}")
    assert date_text is not None
    request_time = _parse_http_date(date_text) if from_date_header else _parse_iso_basic(date_text)
    if request_time is None:
        raise _bad_date(date_text)
    parts, signed_headers = _common_checks(algorithm, fields["Credential"], fields["SignedHeaders"])
    # An X-Amz-Date that parsed is already in this form; only a Date header needs rendering.
    amz_date = request_time.strftime("%Y%m%dT%H%M%SZ") if from_date_header else date_text
    return _claims(
        parts, signed_headers, fields["SignedHeaders"], fields["Signature"], request_time, amz_date,
        request.header("x-amz-security-token"),
    )


def _parse_query_form(request: HttpRequest, params: dict[str, str]) -> SignatureInfo:
    missing = [
        f"AWS query-string parameters must include '{name}'."
        for name in _QUERY_PARAMS
        if not params.get(name)
    ]
    if missing:
        raise IncompleteSignature(" ".join(missing) + " Re-examine the query-string parameters.")
    request_time = _parse_iso_basic(params["X-Amz-Date"])
    if request_time is None:
        raise _bad_date(params["X-Amz-Date"])
    parts, signed_headers = _common_checks(
        params["X-Amz-Algorithm"], params["X-Amz-Credential"], params["X-Amz-SignedHeaders"]
    )
    token = params.get("X-Amz-Security-Token")
    return _claims(
        parts, signed_headers, params["X-Amz-SignedHeaders"], params["X-Amz-Signature"], request_time,
        params["X-Amz-Date"], token if token is not None else request.header("x-amz-security-token"),
        presigned=True, expires=_parse_expires(params.get("X-Amz-Expires")),
    )


def parse_signature(request: HttpRequest) -> SignatureInfo:
    """Read the SigV4 claims of `request` from its Authorization header or its query string.

    Raises `MissingAuthenticationToken` when the request carries no SigV4 authentication,
    `IncompleteSignature` when it is malformed, and `SignatureDoesNotMatch` when it mixes both
    forms or leaves `host` unsigned.
    """
    authorization = request.header("authorization")
    params = _query_params(request.query) if "X-Amz-" in request.query or "%" in request.query else {}
    in_query = "X-Amz-Algorithm" in params
    if authorization is not None and in_query:
        raise SignatureDoesNotMatch(BOTH_HEADER_AND_QUERY_MESSAGE)
    if in_query:
        return _parse_query_form(request, params)
    if authorization is None or not authorization.strip().startswith("AWS4-"):
        raise MissingAuthenticationToken(MISSING_AUTHENTICATION_TOKEN_MESSAGE)
    return _parse_sdk_header(request, authorization) or _parse_header_form(request, authorization)
