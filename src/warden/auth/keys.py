"""Access key pairs: the public id and the secret shown to the caller exactly once."""

from __future__ import annotations

from dataclasses import dataclass, field

from warden.ids import IdGenerator

__all__ = ["AccessKeyPair", "new_access_key"]


@dataclass(frozen=True, slots=True)
class AccessKeyPair:
    """An access key id and its secret; the secret stays out of repr so it never reaches logs."""

    access_key_id: str
    secret_access_key: str = field(repr=False)

    @property
    def temporary(self) -> bool:
        return self.access_key_id.startswith("ASIA")


def new_access_key(ids: IdGenerator, *, temporary: bool = False) -> AccessKeyPair:
    """A fresh pair: `AKIA...` for long-term keys, `ASIA...` for STS session credentials."""
    key_id = ids.temporary_access_key_id() if temporary else ids.access_key_id()
    return AccessKeyPair(access_key_id=key_id, secret_access_key=ids.secret_access_key())
