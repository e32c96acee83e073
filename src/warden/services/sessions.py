"""Temporary credentials: an ASIA key id, a secret, and a sealed session token that carries both
and everything about the session, so any node can authenticate it without a store lookup.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from warden.auth.key_ids import key_id_for_account
from warden.auth.keys import AccessKeyPair
from warden.auth.messages import INVALID_CLIENT_TOKEN_ID_MESSAGE
from warden.auth.tokens import TokenKeyring, open_token, seal_token
from warden.errors import InvalidClientTokenId
from warden.ids import IdGenerator
from warden.services.caller import Caller, CallerKind

__all__ = ["Session", "caller_from_token", "issue_session"]


@dataclass(frozen=True, slots=True)
class Session:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime

    def credentials(self) -> dict[str, Any]:
        """STS's `Credentials` structure."""
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": self.expiration,
        }


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def issue_session(
    caller: Caller, ids: IdGenerator, keyring: TokenKeyring, *, now: datetime, duration_seconds: int
) -> Session:
    """Seal `caller` (whose access_key_id is replaced by the new ASIA id) into a session token.
    The ASIA id carries the account id as AWS's do, so GetAccessKeyInfo can answer for it."""
    pair = AccessKeyPair(
        access_key_id=key_id_for_account("ASIA", caller.account_id, ids.token_bytes(5)),
        secret_access_key=ids.secret_access_key(),
    )
    expiration = now + timedelta(seconds=duration_seconds)
    claims: dict[str, Any] = {
        "v": 1,
        "ak": pair.access_key_id,
        "sk": pair.secret_access_key,
        "kind": caller.kind.value,
        "arn": caller.arn,
        "acct": caller.account_id,
        "pid": caller.principal_id,
        "name": caller.name,
        "role_arn": caller.role_arn,
        "role_name": caller.role_name,
        "session": caller.session_name,
        "tags": [list(t) for t in caller.tags],
        "mfa": caller.mfa_authenticated,
        "mfa_at": _time(caller.mfa_authenticated_at),
        "policies": list(caller.session_policies),
        "source_identity": caller.source_identity,
        "ttk": list(caller.transitive_tag_keys),
    }
    token = seal_token(claims, keyring, issued_at=now, expires_at=expiration)
    return Session(pair.access_key_id, pair.secret_access_key, token, expiration)


def caller_from_token(
    access_key_id: str, token: str | None, keyring: TokenKeyring, now: datetime
) -> tuple[bytes, Caller]:
    """The secret to verify the signature with and the session's caller. Raises
    InvalidClientTokenId (missing, forged or foreign token, or one issued for another key id)
    and ExpiredToken."""
    if not token:
        raise InvalidClientTokenId(INVALID_CLIENT_TOKEN_ID_MESSAGE)
    opened = open_token(token, keyring, now)
    claims: Mapping[str, Any] = opened.claims
    if claims.get("v") != 1 or claims.get("ak") != access_key_id:
        raise InvalidClientTokenId(INVALID_CLIENT_TOKEN_ID_MESSAGE)
    mfa_at = claims.get("mfa_at")
    caller = Caller(
        kind=CallerKind(claims["kind"]),
        arn=claims["arn"],
        account_id=claims["acct"],
        principal_id=claims["pid"],
        access_key_id=access_key_id,
        name=claims.get("name"),
        role_arn=claims.get("role_arn"),
        role_name=claims.get("role_name"),
        session_name=claims.get("session"),
        tags=tuple((k, v) for k, v in claims.get("tags", ())),
        mfa_authenticated=bool(claims.get("mfa")),
        mfa_authenticated_at=datetime.fromisoformat(mfa_at) if mfa_at else None,
        token_issued_at=opened.issued_at,
        session_policies=tuple(claims.get("policies", ())),
        source_identity=claims.get("source_identity"),
        transitive_tag_keys=tuple(claims.get("ttk", ())),
    )
    return str(claims["sk"]).encode(), caller
