"""From an access key id to its secret and the Caller it stands for.

Long-term keys are read from the store once and cached until the change feed moves (a key
deactivated, deleted, or its user changed), so a known caller costs no store round trip.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from warden.auth.messages import INVALID_CLIENT_TOKEN_ID_MESSAGE
from warden.auth.secretbox import SecretBox
from warden.auth.tokens import TokenKeyring
from warden.errors import InvalidClientTokenId
from warden.model import AccessKeyStatus
from warden.services.caller import Caller, CallerKind
from warden.services.change_feed import ChangeFeed
from warden.services.sessions import caller_from_token
from warden.store import Store

__all__ = ["CredentialResolver", "ResolvedKey", "refuse_stray_session_token"]

_CACHE_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    """The key's secret (to verify the signature with) and who signs with it."""

    secret: bytes
    caller: Caller


def refuse_stray_session_token(access_key_id: str, token: str | None) -> None:
    """A session token belongs with a temporary (ASIA) key. AWS refuses a request that signs with
    a long-term key and sends a session token too (a stale AWS_SESSION_TOKEN left set after
    switching to an IAM user's keys) with InvalidClientTokenId, "The security token included in
    the request is invalid" (https://bobbyhadz.com/blog/aws-cli-security-token-included-request-invalid);
    warden accepted it and ignored the token."""
    if token and not access_key_id.startswith("ASIA"):
        raise InvalidClientTokenId(INVALID_CLIENT_TOKEN_ID_MESSAGE)


class CredentialResolver:
    def __init__(
        self, store: Store, secrets: SecretBox, feed: ChangeFeed, partition: str, tokens: TokenKeyring
    ) -> None:
        self._tokens = tokens
        self._store = store
        self._secrets = secrets
        self._feed = feed
        self._partition = partition
        self._cache: OrderedDict[str, tuple[int, ResolvedKey]] = OrderedDict()
        self._lock = threading.Lock()

    def cached(self, access_key_id: str) -> ResolvedKey | None:
        """The resolution if it is cached and still current; never touches the store."""
        with self._lock:
            found = self._cache.get(access_key_id)
        if found is not None and found[0] == self._feed.generation:
            return found[1]
        return None

    def resolve(self, access_key_id: str) -> ResolvedKey:
        """Raises InvalidClientTokenId for an unknown or inactive key, as AWS does."""
        hit = self.cached(access_key_id)
        if hit is not None:
            return hit
        generation = self._feed.generation
        resolved = self._load(access_key_id)
        with self._lock:
            self._cache[access_key_id] = (generation, resolved)
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return resolved

    def resolve_temporary(self, access_key_id: str, token: str | None, now: datetime) -> ResolvedKey:
        """An ASIA key: everything is in its sealed session token; no store lookup."""
        secret, caller = caller_from_token(access_key_id, token, self._tokens, now)
        return ResolvedKey(secret=secret, caller=caller)

    def _load(self, access_key_id: str) -> ResolvedKey:
        if not access_key_id.startswith("AKIA"):
            raise InvalidClientTokenId(INVALID_CLIENT_TOKEN_ID_MESSAGE)
        with self._store.transaction(readonly=True) as tx:
            key = tx.get_access_key(access_key_id)
            if key is None or key.status is not AccessKeyStatus.ACTIVE:
                raise InvalidClientTokenId(INVALID_CLIENT_TOKEN_ID_MESSAGE)
            if key.user_name is None:
                caller = Caller(
                    kind=CallerKind.ROOT,
                    arn=f"arn:{self._partition}:iam::{key.account_id}:root",
                    account_id=key.account_id,
                    principal_id=key.account_id,
                    access_key_id=access_key_id,
                )
            else:
                user = tx.get_user(key.account_id, key.user_name)
                if user is None:
                    raise InvalidClientTokenId(INVALID_CLIENT_TOKEN_ID_MESSAGE)
                caller = Caller.of_user(user, access_key_id)
        secret = self._secrets.open(key.secret_ciphertext.decode("ascii"), record=access_key_id)
        return ResolvedKey(secret=secret, caller=caller)
