"""Who is calling: SigV4 verification, secrets at rest, passwords, access keys and session tokens."""

from __future__ import annotations

from warden.auth.aead import AeadKey
from warden.auth.http_request import HttpRequest
from warden.auth.keys import AccessKeyPair, new_access_key
from warden.auth.messages import EXPIRED_TOKEN_MESSAGE, INVALID_CLIENT_TOKEN_ID_MESSAGE
from warden.auth.passwords import InvalidPasswordHash, PasswordHasher, PasswordMismatch
from warden.auth.secretbox import MasterKey, MasterKeyError, SecretBox, SecretBoxError
from warden.auth.signing_keys import SigningKeyCache
from warden.auth.sigv4 import SignatureInfo, parse_signature, verify_signature
from warden.auth.tokens import OpenedToken, TokenKeyring, open_token, seal_token

__all__ = [
    "EXPIRED_TOKEN_MESSAGE",
    "INVALID_CLIENT_TOKEN_ID_MESSAGE",
    "AccessKeyPair",
    "AeadKey",
    "HttpRequest",
    "InvalidPasswordHash",
    "MasterKey",
    "MasterKeyError",
    "OpenedToken",
    "PasswordHasher",
    "PasswordMismatch",
    "SecretBox",
    "SecretBoxError",
    "SignatureInfo",
    "SigningKeyCache",
    "TokenKeyring",
    "new_access_key",
    "open_token",
    "parse_signature",
    "seal_token",
    "verify_signature",
]
