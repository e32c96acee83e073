"""Secrets at rest (access-key secrets, MFA seeds) encrypted under a master key.

Ciphertexts are versioned envelopes (see `warden.auth.aead`) naming the master key that
sealed them, so the master key can rotate: new secrets use the newest key, old ones still
open with the retired keys until re-sealed. The record a secret belongs to (for example the
access key id) is authenticated with it, so ciphertexts cannot be swapped between rows.
"""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from warden.auth.aead import KEY_ID_BYTES, AeadKey, EnvelopeError, open_envelope, seal_envelope

__all__ = ["KEY_FILE_NAME", "MASTER_KEY_ENV", "PREVIOUS_MASTER_KEYS_ENV", "MasterKey", "MasterKeyError", "SecretBox", "SecretBoxError"]

MASTER_KEY_ENV = "WARDEN_MASTER_KEY"
PREVIOUS_MASTER_KEYS_ENV = "WARDEN_MASTER_KEY_PREVIOUS"
"""Retired master keys (base64, separated by commas): they still open what they sealed (secrets,
session tokens, authorization messages) and verify the audit digests they signed."""
KEY_FILE_NAME = "master.key"
_PURPOSE = b"warden secretbox v1"


class MasterKeyError(Exception):
    """The master key cannot be loaded safely (bad encoding, wrong length, loose permissions)."""


class SecretBoxError(Exception):
    """A stored secret cannot be opened: corrupted, swapped to another record, or sealed under an unknown key."""


@dataclass(frozen=True, slots=True)
class MasterKey:
    """The key that protects secrets at rest; `key_id` is public and names it inside ciphertexts."""

    key: AeadKey

    @property
    def key_id(self) -> str:
        return self.key.key_id_text

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(AeadKey.generate())

    @classmethod
    def from_base64(cls, text: str) -> MasterKey:
        try:
            return cls(AeadKey.from_base64(text))
        except ValueError as exc:
            raise MasterKeyError(f"master key must be 32 bytes encoded in base64: {exc}") from None

    @classmethod
    def load(cls, data_dir: Path | str, env: Mapping[str, str]) -> MasterKey:
        """From `WARDEN_MASTER_KEY` if set, else `<data_dir>/master.key`, created (mode 0600) if absent.

        A key file readable or writable by group or others is refused rather than trusted.
        """
        from_env = env.get(MASTER_KEY_ENV)
        if from_env:
            return cls.from_base64(from_env)
        path = Path(data_dir) / KEY_FILE_NAME
        try:
            return cls._read_key_file(path)
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = cls.generate()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            return cls._read_key_file(path)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(fresh.key.to_base64() + "\n")
        return fresh

    @classmethod
    def load_previous(cls, env: Mapping[str, str]) -> list[MasterKey]:
        """The retired keys named by `WARDEN_MASTER_KEY_PREVIOUS`, newest first."""
        text = env.get(PREVIOUS_MASTER_KEYS_ENV, "")
        return [cls.from_base64(item) for item in (part.strip() for part in text.split(",")) if item]

    @classmethod
    def _read_key_file(cls, path: Path) -> MasterKey:
        fd = os.open(path, os.O_RDONLY)
        with os.fdopen(fd, "r", encoding="ascii") as handle:
            info = os.fstat(handle.fileno())
            if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise MasterKeyError(
                    f"master key file {path} has mode {stat.S_IMODE(info.st_mode):04o}; "
                    "it must be readable by its owner only (chmod 600)"
                )
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                raise MasterKeyError(f"master key file {path} is not owned by the user running warden")
            return cls.from_base64(handle.read())


class SecretBox:
    """Seals and opens secrets; the first master key seals, all of them open."""

    __slots__ = ("_by_id", "_primary")

    def __init__(self, keys: MasterKey | Sequence[MasterKey]) -> None:
        ordered = [keys] if isinstance(keys, MasterKey) else list(keys)
        if not ordered:
            raise ValueError("a SecretBox needs at least one master key")
        self._primary = ordered[0].key
        self._by_id = {master.key.key_id: master.key for master in ordered}

    @property
    def primary_key_id(self) -> str:
        return self._primary.key_id_text

    def seal(self, secret: bytes | str, *, record: str) -> str:
        """Encrypt `secret` for the row identified by `record`; returns base64 text for storage."""
        plaintext = secret.encode("utf-8") if isinstance(secret, str) else secret
        envelope = seal_envelope(self._primary, plaintext, purpose=_PURPOSE, context=record.encode("utf-8"))
        return base64.b64encode(envelope).decode("ascii")

    def open(self, sealed: str, *, record: str) -> bytes:
        """Decrypt a value from `seal`; raises `SecretBoxError` unless it is intact and belongs to `record`."""
        try:
            envelope = base64.b64decode(sealed, validate=True)
            plaintext, _ = open_envelope(
                self._by_id, envelope, purpose=_PURPOSE, context=record.encode("utf-8")
            )
        except (ValueError, EnvelopeError) as exc:
            raise SecretBoxError(f"stored secret for {record!r} cannot be opened: {exc}") from None
        return plaintext

    def needs_reseal(self, sealed: str) -> bool:
        """Whether `sealed` was made under a key other than the current one (rotate it)."""
        try:
            envelope = base64.b64decode(sealed, validate=True)
        except ValueError:
            return True
        return envelope[1 : 1 + KEY_ID_BYTES] != self._primary.key_id

    def reseal(self, sealed: str, *, record: str) -> str:
        """Re-encrypt under the current master key (key rotation)."""
        return self.seal(self.open(sealed, record=record), record=record)
