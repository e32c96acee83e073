"""STS GetSessionToken: temporary credentials for an IAM user (or the root user) signing with
long-term keys, optionally MFA-authenticated.

https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
- No permissions are needed and policies cannot deny it: it authenticates, it does not act.
- Only long-term credentials may call it; a session is refused.
- DurationSeconds 900..129600, default 43200; sessions of the root user last 900..3600 s,
  default one hour.
- Its credentials call IAM only if MFA was used (`check_session_token_scope`, at authentication).
- With SerialNumber and TokenCode, the code is checked against the caller's enabled virtual
  MFA device; the session then carries `aws:MultiFactorAuthPresent` true and an
  `aws:MultiFactorAuthAge` counted from now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from warden.auth.messages import INVALID_CLIENT_TOKEN_ID_MESSAGE
from warden.errors import AccessDenied, InvalidClientTokenId
from warden.services.call import Call
from warden.services.caller import Caller, CallerKind
from warden.services.mfa_codes import mfa_requested, verify_caller_mfa
from warden.services.sessions import issue_session

__all__ = ["DEFAULT_DURATION", "ROOT_MAX_DURATION", "check_session_token_scope", "get_session_token"]

DEFAULT_DURATION = 43200
ROOT_MAX_DURATION = 3600
_SESSION_CALLER = "Cannot call GetSessionToken with session credentials"


def _duration(call: Call, params: Mapping[str, Any]) -> int:
    """The session's lifetime. The model already holds DurationSeconds to 900..129600; the root
    user's sessions are held to at most an hour, as AWS documents for account credentials."""
    if call.caller.kind is CallerKind.ROOT:
        return min(int(params.get("DurationSeconds", ROOT_MAX_DURATION)), ROOT_MAX_DURATION)
    return int(params.get("DurationSeconds", DEFAULT_DURATION))


def check_session_token_scope(caller: Caller, service_name: str) -> None:
    """GetSessionToken's credentials cannot call IAM unless MFA was used to get them
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html).
    AWS refuses such a call at authentication, as an invalid security token."""
    from_session_token = caller.kind in (CallerKind.USER, CallerKind.ROOT) and caller.token_issued_at is not None
    if from_session_token and service_name == "iam" and not caller.mfa_authenticated:
        raise InvalidClientTokenId(INVALID_CLIENT_TOKEN_ID_MESSAGE)


def get_session_token(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    call.no_authorization_required("sts:GetSessionToken")
    caller = call.caller
    long_term = caller.kind in (CallerKind.USER, CallerKind.ROOT) and caller.token_issued_at is None
    if not long_term:
        raise AccessDenied(_SESSION_CALLER)
    duration = _duration(call, params)
    serial, code = params.get("SerialNumber"), params.get("TokenCode")
    session_caller = replace(caller, access_key_id=None, token_issued_at=None)
    if mfa_requested(serial, code) and serial and code:
        verify_caller_mfa(call, serial, code)
        session_caller = replace(session_caller, mfa_authenticated=True, mfa_authenticated_at=call.now)
    session = issue_session(
        session_caller, call.services.ids, call.services.tokens, now=call.now, duration_seconds=duration
    )
    return {"Credentials": session.credentials()}
