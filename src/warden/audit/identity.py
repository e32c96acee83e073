"""CloudTrail's `userIdentity` element for the caller of a request.

https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from warden.audit.wire import trail_time
from warden.services.caller import Caller, CallerKind

__all__ = ["caller_identity", "lookup_username", "unknown_identity", "user_identity"]

# Distinct callers whose element is kept: a busy server sees a few hundred keys and sessions.
_CACHED_CALLERS = 4096


def _session_context(caller: Caller) -> dict[str, Any] | None:
    """Present for temporary credentials: when the session began, whether MFA was used, and
    (for role and federated sessions) who issued it."""
    if caller.token_issued_at is None:
        return None
    context: dict[str, Any] = {
        "attributes": {
            "creationDate": trail_time(caller.token_issued_at),
            "mfaAuthenticated": "true" if caller.mfa_authenticated else "false",
        }
    }
    if caller.kind is CallerKind.ASSUMED_ROLE and caller.role_arn is not None:
        context["sessionIssuer"] = {
            "type": "Role",
            "principalId": caller.principal_id.split(":", 1)[0],
            "arn": caller.role_arn,
            "accountId": caller.account_id,
            "userName": caller.role_name,
        }
    if caller.source_identity:
        context["sourceIdentity"] = caller.source_identity
    return context


def user_identity(caller: Caller) -> dict[str, Any]:
    identity: dict[str, Any] = {
        "type": caller.kind.value,
        "principalId": caller.principal_id,
        "arn": caller.arn,
        "accountId": caller.account_id,
    }
    if caller.access_key_id:
        identity["accessKeyId"] = caller.access_key_id
    if caller.kind is CallerKind.USER and caller.name:
        identity["userName"] = caller.name
    context = _session_context(caller)
    if context is not None:
        identity["sessionContext"] = context
    return identity


@lru_cache(maxsize=_CACHED_CALLERS)
def _identity_of(caller: Caller) -> dict[str, Any]:
    """Built once per caller: `Caller` is a frozen, hashable value, and the element shows only
    its fields (session times are UTC), so equal callers have equal elements."""
    return user_identity(caller)


def caller_identity(caller: Caller) -> dict[str, Any]:
    """`user_identity(caller)` for a record: the cached element, copied so that no two records
    share a dict (listeners receive the record and may keep or change it)."""
    try:
        identity = dict(_identity_of(caller))
    except TypeError:  # a field that is not hashable (typed as a tuple, given a list): no cache
        identity = user_identity(caller)
    context = identity.get("sessionContext")
    if context is not None:
        identity["sessionContext"] = {k: dict(v) if isinstance(v, dict) else v for k, v in context.items()}
    return identity


def unknown_identity(access_key_id: str | None) -> dict[str, Any]:
    """For a request whose signer could not be established (bad key, missing signature)."""
    identity: dict[str, Any] = {"type": "Unknown"}
    if access_key_id:
        identity["accessKeyId"] = access_key_id
    return identity


def lookup_username(caller: Caller) -> str:
    """The `Username` LookupEvents shows: the user name, `root`, or the role session name."""
    if caller.kind is CallerKind.ROOT:
        return "root"
    if caller.kind is CallerKind.USER and caller.name:
        return caller.name
    if caller.session_name:
        return caller.session_name
    return caller.arn.rsplit("/", 1)[-1]
