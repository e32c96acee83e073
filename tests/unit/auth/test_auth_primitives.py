"""Canonicalisation helpers, the signing-key cache, the request value and the public surface."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac

import pytest

import warden.auth
from warden.auth.canonical import canonical_query_string, canonical_uri, remove_dot_segments
from warden.auth.http_request import HttpRequest
from warden.auth.signing_keys import SigningKeyCache, derive_signing_key


def test_signing_key_vector_from_aws_docs() -> None:
    """Vector from https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html (deriving a signing key)."""
    key = derive_signing_key(b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"


@pytest.mark.parametrize(
    ("path", "expected"),
    [("", "/"), ("/", "/"), ("/a/./b/../c", "/a/c"), ("//a//b/", "/a/b/"), ("/..", "/"), ("/a/b/..", "/a")],
)
def test_remove_dot_segments(path: str, expected: str) -> None:
    assert remove_dot_segments(path) == expected


def test_canonical_uri_encodes_again() -> None:
    assert canonical_uri("/a%20b/c d/*") == "/a%2520b/c%20d/%2A"


def test_canonical_query_sorts_and_normalises_encoding() -> None:
    raw = "b=2&a=%7e&a=1&c=x+y&d&e=%2f&&X-Amz-Signature=abc"
    assert canonical_query_string(raw, exclude="X-Amz-Signature") == "a=1&a=~&b=2&c=x%2By&d=&e=%2F"
    assert canonical_query_string("") == ""


def test_cache_is_bounded_lru_and_forgets() -> None:
    cache = SigningKeyCache(max_entries=2)
    a = cache.signing_key("AKIA1", b"s1", "20260101", "us-east-1", "iam")
    cache.signing_key("AKIA2", b"s2", "20260101", "us-east-1", "iam")
    assert cache.signing_key("AKIA1", b"s1", "20260101", "us-east-1", "iam") == a  # refreshes AKIA1
    cache.signing_key("AKIA3", b"s3", "20260101", "us-east-1", "iam")  # evicts AKIA2
    assert len(cache) == 2
    cache.forget("AKIA1")
    assert len(cache) == 1
    assert cache.signing_key("AKIA1", b"other", "20260101", "us-east-1", "iam") != a
    with pytest.raises(ValueError):
        SigningKeyCache(max_entries=0)


def test_cached_signer_is_a_fresh_hmac_under_the_scope_key_each_time() -> None:
    cache = SigningKeyCache()
    key = derive_signing_key(b"s1", "20260101", "us-east-1", "iam")
    first = cache.signer("AKIA1", b"s1", "20260101", "us-east-1", "iam")
    first.update(b"one")
    second = cache.signer("AKIA1", b"s1", "20260101", "us-east-1", "iam")
    second.update(b"two")  # a copy: what the first took in does not leak into the second
    assert first.hexdigest() == hmac.new(key, b"one", hashlib.sha256).hexdigest()
    assert second.hexdigest() == hmac.new(key, b"two", hashlib.sha256).hexdigest()
    other = cache.signer("AKIA1", b"other", "20260101", "us-east-1", "iam")  # another secret, another key
    other.update(b"one")
    assert other.hexdigest() != hmac.new(key, b"one", hashlib.sha256).hexdigest()


def test_http_request_headers_are_case_insensitive_and_multi_valued() -> None:
    request = HttpRequest.build("GET", "/", headers=[("X-Thing", "1"), ("x-thing", "2"), ("Host", "h")])
    assert request.header("X-THING") == "1" and request.header_values("x-thing") == ("1", "2")
    assert request.header("missing") is None and request.has_header("HOST")


def test_http_request_from_asgi_keeps_raw_bytes() -> None:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/a b",
        "raw_path": b"/a%20b",
        "query_string": b"x=%2F",
        "headers": [(b"host", b"localhost"), (b"x-name", "caf\u00e9".encode())],
    }
    request = HttpRequest.from_asgi(scope, b"body")
    assert (request.method, request.path, request.query, request.body) == ("POST", "/a%20b", "x=%2F", b"body")
    assert request.header("x-name") == "caf\u00e9"


def test_http_request_from_asgi_indexes_repeated_and_odd_headers() -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"x-thing", b"1"), (b"X-Thing", b"2"), (b"x-raw", b"\xff")],
    }
    request = HttpRequest.from_asgi(scope, b"")
    assert request.header_values("x-thing") == ("1", "2")
    assert request.header("x-raw") == "\udcff"  # undecodable bytes survive (surrogateescape)


def test_http_request_replace_reindexes_its_headers() -> None:
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"x-a", b"1")]}
    request = HttpRequest.from_asgi(scope, b"")
    assert request.header("x-a") == "1"
    changed = dataclasses.replace(request, headers=(("x-a", "2"),))
    assert changed.header("x-a") == "2" and request.header("x-a") == "1"


def test_public_names_are_exported() -> None:
    for name in warden.auth.__all__:
        assert hasattr(warden.auth, name), name
