"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP) for virtual MFA devices.

AWS's virtual MFA devices use the authenticator-app defaults: HMAC-SHA1, 30-second steps,
six digits, and a 40-character base32 seed (25 random bytes). A code is accepted for the
current step and one step either side, to absorb clock drift between phone and server.

Verification raises `InvalidTotpCode` and never returns a bool; candidates are compared with
`hmac.compare_digest`. Time is always a parameter. Reuse is refused by the caller passing
`after_step`, the last step it accepted: a code for that step or an earlier one is invalid.
"""

from __future__ import annotations

import base64
import hmac
import struct
from datetime import datetime
from urllib.parse import quote

from warden.clock import utc

__all__ = [
    "DIGITS",
    "SEED_BYTES",
    "STEP_SECONDS",
    "WINDOW_STEPS",
    "InvalidTotpCode",
    "encode_seed",
    "hotp",
    "otpauth_uri",
    "seed_key",
    "time_step",
    "totp",
    "verify_consecutive",
    "verify_totp",
]

STEP_SECONDS = 30
DIGITS = 6
SEED_BYTES = 25
"""25 bytes encode to exactly 40 base32 characters without padding, the length AWS returns."""
WINDOW_STEPS = 1

_ALGORITHMS = frozenset({"sha1", "sha256", "sha512"})


class InvalidTotpCode(Exception):
    """The code matches no accepted time step (wrong, too old or too new, or already used)."""


def encode_seed(raw: bytes) -> str:
    """The base32 text of a seed, without padding (as authenticator apps and AWS show it)."""
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def seed_key(seed_base32: str) -> bytes:
    """The HMAC key behind a base32 seed; tolerates lower case and missing padding."""
    text = seed_base32.strip().upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def time_step(moment: datetime, step_seconds: int = STEP_SECONDS) -> int:
    """RFC 6238's T: whole steps since the Unix epoch."""
    return int(utc(moment).timestamp()) // step_seconds


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226 section 5.3: HMAC the 8-byte counter, dynamic truncation, modulo 10^digits."""
    if counter < 0:
        raise ValueError("a HOTP counter cannot be negative")
    if algorithm not in _ALGORITHMS:
        raise ValueError(f"unsupported TOTP algorithm {algorithm!r}")
    digest = hmac.new(key, struct.pack(">Q", counter), algorithm).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp(
    key: bytes,
    moment: datetime,
    *,
    digits: int = DIGITS,
    algorithm: str = "sha1",
    step_seconds: int = STEP_SECONDS,
) -> str:
    """The code a device shows at `moment`."""
    return hotp(key, time_step(moment, step_seconds), digits=digits, algorithm=algorithm)


def _candidate_steps(now_step: int, after_step: int | None, window: int) -> list[int]:
    steps = range(now_step - window, now_step + window + 1)
    return [step for step in steps if step >= 0 and (after_step is None or step > after_step)]


def verify_totp(
    key: bytes,
    code: str,
    moment: datetime,
    *,
    after_step: int | None = None,
    window: int = WINDOW_STEPS,
) -> int:
    """The time step `code` belongs to; raises InvalidTotpCode. Every candidate step is compared
    (constant time each), so timing does not tell which step matched."""
    offered = code.encode("ascii", "replace")
    matched: int | None = None
    for step in _candidate_steps(time_step(moment), after_step, window):
        if hmac.compare_digest(hotp(key, step).encode("ascii"), offered) and matched is None:
            matched = step
    if matched is None:
        raise InvalidTotpCode("the code matches no accepted time step")
    return matched


def verify_consecutive(
    key: bytes,
    first: str,
    second: str,
    moment: datetime,
    *,
    after_step: int | None = None,
    window: int = WINDOW_STEPS,
) -> int:
    """Two codes of consecutive steps (EnableMFADevice, ResyncMFADevice): the second must fall
    in the window and the first be the step just before it. Returns the second's step."""
    offered = (first.encode("ascii", "replace"), second.encode("ascii", "replace"))
    matched: int | None = None
    for step in _candidate_steps(time_step(moment), after_step, window):
        if step - 1 < 0 or (after_step is not None and step - 1 <= after_step):
            continue
        first_ok = hmac.compare_digest(hotp(key, step - 1).encode("ascii"), offered[0])
        second_ok = hmac.compare_digest(hotp(key, step).encode("ascii"), offered[1])
        if first_ok and second_ok and matched is None:
            matched = step
    if matched is None:
        raise InvalidTotpCode("the codes are not two consecutive codes of the device")
    return matched


def otpauth_uri(label: str, seed_base32: str) -> str:
    """The Key URI authenticator apps scan: `otpauth://totp/LABEL?secret=SEED`."""
    return f"otpauth://totp/{quote(label, safe='@:')}?secret={seed_base32}"
