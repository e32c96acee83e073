"""Micro benchmark: SigV4 verification of a small botocore-signed IAM request with a cached key.

Prints median timings; run with `.venv/bin/python bench/sigv4.py`. Never asserts on time.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from unittest import mock
from urllib.parse import urlsplit

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from warden.auth.http_request import HttpRequest
from warden.auth.signing_keys import SigningKeyCache
from warden.auth.sigv4 import parse_signature, verify_signature

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def signed_request() -> HttpRequest:
    request = AWSRequest(
        method="POST",
        url="https://iam.amazonaws.com/",
        data={"Action": "ListUsers", "Version": "2010-05-08"},
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda: NOW.replace(tzinfo=None)):
        botocore.auth.SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "iam", "us-east-1").add_auth(request)
    ready = request.prepare()
    headers = [(k, v.decode() if isinstance(v, bytes) else v) for k, v in ready.headers.items()]
    headers.append(("Host", "iam.amazonaws.com"))
    body = ready.body if isinstance(ready.body, bytes) else str(ready.body or "").encode()
    return HttpRequest.build("POST", urlsplit(ready.url).path, "", headers, body)


def median_us(action: object, rounds: int = 50, per_round: int = 200) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(per_round):
            action()  # type: ignore[operator]
        samples.append((time.perf_counter_ns() - start) / per_round / 1000)
    return statistics.median(samples)


def main() -> None:
    request = signed_request()
    info = parse_signature(request)
    cache = SigningKeyCache()
    secret = SECRET_KEY.encode()
    verify_signature(request, info, secret, NOW, cache=cache)
    print(
        f"parse_signature:                    {median_us(lambda: parse_signature(request)):6.2f} us (median)"
    )
    print(
        "verify_signature (cached key):      "
        f"{median_us(lambda: verify_signature(request, info, secret, NOW, cache=cache)):6.2f} us (median)"
    )
    print(
        "verify_signature (no cache):        "
        f"{median_us(lambda: verify_signature(request, info, secret, NOW)):6.2f} us (median)"
    )
    both = lambda: verify_signature(request, parse_signature(request), secret, NOW, cache=cache)
    print(f"parse + verify (cached key):        {median_us(both):6.2f} us (median)")


if __name__ == "__main__":
    main()
