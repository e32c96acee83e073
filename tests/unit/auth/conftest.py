"""Fixtures that sign requests with botocore itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime

import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from sigv4_signing import ACCESS_KEY, SECRET_KEY, SIGNED_AT, Signer, to_http_request

from warden.auth.http_request import HttpRequest


@pytest.fixture
def freeze_botocore(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """Make botocore sign at a chosen instant."""

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: moment.replace(tzinfo=None))

    freeze(SIGNED_AT)
    yield freeze


@pytest.fixture
def sign(freeze_botocore: Callable[[datetime], None]) -> Signer:
    """Sign a request with botocore's SigV4Auth (header) or SigV4QueryAuth (presigned)."""

    def _sign(
        method: str = "POST",
        url: str = "https://iam.amazonaws.com/",
        *,
        data: Mapping[str, str] | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        service: str = "iam",
        region: str = "us-east-1",
        token: str | None = None,
        secret: str = SECRET_KEY,
        presign: bool = False,
        expires: int = 3600,
        at: datetime = SIGNED_AT,
    ) -> HttpRequest:
        freeze_botocore(at)
        request_headers = dict(headers or {})
        if isinstance(data, Mapping):
            request_headers.setdefault("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        request = AWSRequest(method=method, url=url, data=data, headers=request_headers)
        credentials = Credentials(ACCESS_KEY, secret, token)
        if presign:
            botocore.auth.SigV4QueryAuth(credentials, service, region, expires=expires).add_auth(request)
        else:
            botocore.auth.SigV4Auth(credentials, service, region).add_auth(request)
        return to_http_request(request)

    return _sign
