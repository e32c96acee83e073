"""The ASGI application: `/healthz`, mock mode's `/moto-api/reset`, `POST /signin`, and the AWS endpoint.

Raw ASGI rather than a framework's request objects: the AWS endpoint is the hot path.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread

from warden.audit.signin import console_login_event
from warden.server.pipeline import MAX_BODY_BYTES, Pipeline
from warden.server.runtime import Runtime
from warden.server.signin_http import SIGNIN_PATH, SigninEndpoint
from warden.services.signin import SigninOutcome

__all__ = ["MAX_BODY_BYTES", "WardenApp"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


async def _reply(send: Send, status: int, body: bytes, content_type: str, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None when it exceeds MAX_BODY_BYTES."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class WardenApp:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._pipeline = Pipeline(runtime)
        self._signin = SigninEndpoint(runtime, outcome_sink=self._record_signin)

    def _record_signin(self, outcome: SigninOutcome) -> None:
        """Every sign-in attempt becomes a ConsoleLogin event in the audit trail."""
        event = console_login_event(outcome, self.runtime.env.ids.request_id(), self.runtime.settings.region)
        self.runtime.audit.submit_event(event)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path, method = scope["path"], scope["method"]
        if path == "/healthz" and method in ("GET", "HEAD"):
            await _reply(send, 200, b'{"status":"ok"}', "application/json", [])
            return
        if path == "/moto-api/reset" and method == "POST" and self.runtime.settings.mock:
            await anyio.to_thread.run_sync(self.runtime.reset)
            await _reply(send, 200, json.dumps({"status": "ok"}).encode(), "application/json", [])
            return
        body = await _read_body(receive)
        if path == SIGNIN_PATH and method == "POST":
            status, payload = await self._signin.handle(scope, body)
            await _reply(send, status, payload, "application/json", [(b"cache-control", b"no-store")])
            return
        response = await self._pipeline.handle(scope, body)
        await _reply(
            send,
            response.status,
            response.body,
            response.content_type,
            [(b"x-amzn-requestid", response.request_id.encode()), *response.headers],
        )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.runtime.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
