"""A second baseline for bench/server.py: the bare app plus SigV4 parsing and verification only.

It shows how much of the bare app's throughput the signature check alone leaves on this
server stack, the ceiling for any server that really authenticates. The secret comes from
`BENCH_SECRET_ACCESS_KEY`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from bench.bare_app import app as bare_app
from warden.auth import HttpRequest, SigningKeyCache, parse_signature, verify_signature

_SECRET = os.environ.get("BENCH_SECRET_ACCESS_KEY", "").encode()
_CACHE = SigningKeyCache()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http" or scope["path"] == "/healthz":
        await bare_app(scope, receive, send)
        return
    chunks = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    request = HttpRequest.from_asgi(scope, b"".join(chunks))
    verify_signature(request, parse_signature(request), _SECRET, datetime.now(UTC), cache=_CACHE)

    async def no_body() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    await bare_app(scope, no_body, send)
