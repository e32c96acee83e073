"""`POST /signin`: the JSON front of `warden.services.signin` for the (future) web console.

Request body: {"account": "<id or alias>", "username": "...", "password": "...",
"mfa_code": "123456"?, "new_password": "..."?}

Answers (always JSON):
- 200 {"credentials": {AccessKeyId, SecretAccessKey, SessionToken, Expiration}, "account",
  "user_arn", "mfa_authenticated"}: signed in.
- 401 {"error": "SigninFailed", "message"}: unknown account or user, wrong password, or locked
  out - deliberately one answer, so it never tells whether a user exists.
- 401 {"mfa_required": true, ...}: the password was right and the user has an MFA device; send
  the same body again with "mfa_code". A wrong code answers 401 with "error": "InvalidMfaCode".
- 401 {"password_change_required": true, ...}: the password must be changed (reset required or
  older than MaxPasswordAge); send the same body again with "new_password".
- 400 {"error": "PasswordPolicyViolation", "message", "password_change_required": true}: the new
  password breaks the account password policy.
- 401 {"password_expired": true, ...}: expired under HardExpiry; an administrator must reset it.
- 400 {"error": "InvalidRequest", "message"}: the body is not such a JSON object.
- 413 {"error": "RequestEntityTooLarge", "message"}: the body is over 1 MiB (and was not read).

401 for "more is needed" keeps the rule simple for clients: only a 200 carries credentials.
The `outcome_sink` receives every attempt's SigninOutcome (the audit trail's ConsoleLogin).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import anyio.to_thread

from warden.server.pipeline import MAX_BODY_BYTES
from warden.server.runtime import Runtime
from warden.services.signin import SignIn, SigninAttempt, SigninOutcome, Status
from warden.store import StoreBusy
from warden.text import storable

__all__ = ["SIGNIN_PATH", "SigninEndpoint"]

SIGNIN_PATH = "/signin"
_MAX_FIELD = 1024
_TOO_LARGE = f"The request body must be at most {MAX_BODY_BYTES} bytes."
_FAILED = "The account, user name or password is incorrect, or sign-in is temporarily locked."

OutcomeSink = Callable[[SigninOutcome], None]

_logger = logging.getLogger("warden.server")


def _json(status: int, payload: Mapping[str, Any]) -> tuple[int, bytes]:
    return status, json.dumps(payload).encode("utf-8")


def _invalid(message: str) -> tuple[int, bytes]:
    return _json(400, {"error": "InvalidRequest", "message": message})


def _attempt(body: bytes, scope: Mapping[str, Any]) -> SigninAttempt | str:
    """The attempt, or a sentence saying what is wrong with the body."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nesting past the parser's depth
        return "The request body must be a JSON object."
    if not isinstance(data, dict):
        return "The request body must be a JSON object."
    fields: dict[str, str | None] = {}
    for name, required in (
        ("account", True),
        ("username", True),
        ("password", True),
        ("mfa_code", False),
        ("new_password", False),
    ):
        value = data.get(name)
        if value is None and not required:
            fields[name] = None
            continue
        if not isinstance(value, str) or not value or len(value) > _MAX_FIELD:
            return f"The field {name} must be a non-empty string of at most {_MAX_FIELD} characters."
        if not storable(value):
            # No account, user or password holds one (the IAM API refuses them), and neither can
            # be hashed or looked up: answered as the malformed body it is.
            return f"The field {name} must not contain NUL or unpaired surrogate characters."
        fields[name] = value
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
    client = scope.get("client") or ("", 0)
    return SigninAttempt(
        account=str(fields["account"]),
        user_name=str(fields["username"]),
        password=str(fields["password"]),
        mfa_code=fields["mfa_code"],
        new_password=fields["new_password"],
        source_ip=str(client[0]),
        user_agent=headers.get("user-agent", ""),
    )


def _answer(outcome: SigninOutcome) -> tuple[int, bytes]:
    status = outcome.status
    if status is Status.SUCCESS:
        session = outcome.session
        assert session is not None
        return _json(
            200,
            {
                "credentials": {
                    "AccessKeyId": session.access_key_id,
                    "SecretAccessKey": session.secret_access_key,
                    "SessionToken": session.session_token,
                    "Expiration": session.expiration.isoformat(),
                },
                "account": outcome.account_id,
                "user_arn": outcome.user_arn,
                "mfa_authenticated": outcome.mfa_used,
            },
        )
    if status is Status.MFA_REQUIRED:
        return _json(401, {"mfa_required": True, "message": "Enter the code from your MFA device."})
    if status is Status.MFA_FAILED:
        return _json(
            401, {"mfa_required": True, "error": "InvalidMfaCode", "message": "The MFA code is not valid."}
        )
    if status is Status.PASSWORD_CHANGE_REQUIRED:
        return _json(401, {"password_change_required": True, "message": "You must choose a new password."})
    if status is Status.NEW_PASSWORD_REJECTED:
        return _json(
            400,
            {
                "error": "PasswordPolicyViolation",
                "message": outcome.message,
                "password_change_required": True,
            },
        )
    if status is Status.PASSWORD_EXPIRED:
        return _json(
            401,
            {
                "password_expired": True,
                "message": "Your password has expired; ask an administrator to reset it.",
            },
        )
    return _json(401, {"error": "SigninFailed", "message": _FAILED})


class SigninEndpoint:
    def __init__(self, runtime: Runtime, outcome_sink: OutcomeSink | None = None) -> None:
        self._runtime = runtime
        self._signin = SignIn(runtime.store, runtime.env)
        self._sink = outcome_sink

    async def handle(self, scope: Mapping[str, Any], body: bytes | None) -> tuple[int, bytes]:
        """(HTTP status, JSON body) for one POST /signin; `body` is None when it was too long to
        read, which is a malformed request like any other (no attempt, so no audit event)."""
        if body is None:
            return _json(413, {"error": "RequestEntityTooLarge", "message": _TOO_LARGE})
        attempt = _attempt(body, scope)
        if isinstance(attempt, str):
            return _invalid(attempt)
        try:
            outcome = await anyio.to_thread.run_sync(self._signin, attempt, self._runtime.now())
        except StoreBusy:  # writers queued past the store's patience: load, and worth a retry
            return _json(400, {"error": "Throttling", "message": "Rate exceeded"})
        except Exception:  # the store failed: a clear answer, never a bare server error page
            _logger.exception("sign-in failed unexpectedly")
            return _json(500, {"error": "InternalFailure", "message": "We encountered an internal error. Please try again."})
        if self._sink is not None:
            self._sink(outcome)
        return _answer(outcome)
