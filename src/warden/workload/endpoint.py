"""A loopback HTTP endpoint that hands the vendor's credentials to whoever shows the token.

The SDKs send `AWS_CONTAINER_AUTHORIZATION_TOKEN` verbatim in the Authorization header; a
request without it gets 401, one with another value 403, compared in constant time. Only
127.0.0.1 is bound, and the SDKs only accept loopback hosts for an http:// full URI.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from .source import AssumeRoleFailed
from .vendor import CredentialVendor

__all__ = ["CredentialsEndpoint"]

_logger = logging.getLogger("warden.workload")
_PATH = "/v1/credentials"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    vendor: CredentialVendor
    token: bytes


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != _PATH:
            self._send(HTTPStatus.NOT_FOUND, {"code": "NotFound", "message": "No such path."})
            return
        presented = self.headers.get("Authorization")
        if presented is None:
            self._send(HTTPStatus.UNAUTHORIZED, {"code": "Unauthorized", "message": "Missing authorization token."})
            return
        if not hmac.compare_digest(presented.encode("utf-8", "surrogateescape"), self.server.token):
            self._send(HTTPStatus.FORBIDDEN, {"code": "Forbidden", "message": "Invalid authorization token."})
            return
        try:
            credentials = self.server.vendor.current()
        except AssumeRoleFailed as error:  # reported to the SDK; the endpoint stays up
            _logger.warning("could not obtain role credentials: %s", error)
            self._send(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                {"code": "CredentialsUnavailable", "message": f"Could not obtain role credentials: {error}"},
            )
            return
        self._send(HTTPStatus.OK, credentials.container_document())

    def _send(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        _logger.debug("credentials endpoint: " + format, *args)


class CredentialsEndpoint:
    """Serves `vendor` on 127.0.0.1 at a free port, in a daemon thread, until `close()`."""

    def __init__(self, vendor: CredentialVendor, token: str | None = None) -> None:
        self.token = token if token is not None else secrets.token_urlsafe(32)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.vendor = vendor
        self._server.token = self.token.encode()
        self._thread = threading.Thread(target=self._server.serve_forever, name="warden-run-credentials", daemon=True)

    @property
    def uri(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{_PATH}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
