"""Signing helpers shared by the SigV4 tests (a uniquely named module, unlike `conftest`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import botocore.auth
from botocore.awsrequest import AWSPreparedRequest, AWSRequest

from warden.auth.http_request import HttpRequest

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SIGNED_AT = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)

Signer = Callable[..., HttpRequest]


def to_http_request(prepared: AWSRequest | AWSPreparedRequest) -> HttpRequest:
    """What a server would see on the wire for a botocore-signed request."""
    ready = prepared.prepare() if isinstance(prepared, AWSRequest) else prepared
    parts = urlsplit(ready.url)
    headers = [
        (name, value.decode() if isinstance(value, bytes) else value) for name, value in ready.headers.items()
    ]
    if not any(name.lower() == "host" for name, _ in headers):
        headers.append(("Host", botocore.auth._host_from_url(ready.url)))
    body = ready.body or b""
    if isinstance(body, str):
        body = body.encode()
    return HttpRequest.build(ready.method, parts.path or "/", parts.query, headers, body)
