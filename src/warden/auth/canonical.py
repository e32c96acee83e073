"""SigV4 canonical request pieces, computed from the request exactly as it was received.

The encoding rules follow AWS's documentation and botocore, which signs what boto3 and the
AWS CLI send: the URI path is dot-segment-normalised and URI-encoded once more (so `%20` in
the request becomes `%2520`, as for every service but S3); query names and values are
decoded and re-encoded with only `A-Za-z0-9-_.~` left bare, then sorted; header values are
trimmed with inner runs of whitespace collapsed, and repeated headers joined with commas.
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote_to_bytes

from warden.auth.http_request import HttpRequest

__all__ = [
    "canonical_headers",
    "canonical_query_string",
    "canonical_uri",
    "decode_component",
    "remove_dot_segments",
    "to_bytes",
]

_UNRESERVED = re.compile(r"[A-Za-z0-9\-_.~]*")


def to_bytes(text: str) -> bytes:
    """Back to the bytes that came off the wire (see `HttpRequest.from_asgi`)."""
    return text.encode("utf-8", "surrogateescape")


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, also dropping empty segments as AWS does; keeps a trailing slash."""
    if not path:
        return "/"
    kept: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if kept:
                kept.pop()
            continue
        kept.append(segment)
    leading = "/" if path.startswith("/") else ""
    trailing = "/" if path.endswith("/") and kept else ""
    return leading + "/".join(kept) + trailing


@lru_cache(maxsize=4096)
def canonical_uri(raw_path: str) -> str:
    """The canonical URI of a raw (still percent-encoded) request path."""
    normalized = remove_dot_segments(raw_path or "/")
    return quote(to_bytes(normalized), safe="/~")


def decode_component(raw: str) -> str:
    """Percent-decode a query name or value; a '+' stays a '+' (SigV4 is not form decoding)."""
    if "%" not in raw:
        return raw
    return unquote_to_bytes(raw).decode("utf-8", "surrogateescape")


def _encode_component(raw: str) -> str:
    if _UNRESERVED.fullmatch(raw):
        return raw
    return quote(to_bytes(decode_component(raw)), safe="-_.~")


def canonical_query_string(raw_query: str, exclude: str | None = None) -> str:
    """Sorted, uniformly encoded `name=value` pairs; `exclude` drops one parameter by name."""
    if not raw_query:
        return ""
    pairs: list[tuple[str, str]] = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        name, _, value = piece.partition("=")
        encoded_name = _encode_component(name)
        if exclude is not None and encoded_name == exclude:
            continue
        pairs.append((encoded_name, _encode_component(value)))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def canonical_headers(request: HttpRequest, signed_headers: tuple[str, ...]) -> str:
    """`name:value\\n` for each signed header in the order listed (clients list them sorted)."""
    lines: list[str] = []
    for name in signed_headers:
        values = request.header_values(name)
        if len(values) == 1:  # the usual case, without a generator per header
            text = " ".join(values[0].split())
        else:
            text = ",".join(" ".join(value.split()) for value in values)
        lines.append(f"{name}:{text}\n")
    return "".join(lines)
