"""The MFA step of a console sign-in: a TOTP code checked against the user's enabled devices.

Kept apart from `signin` on purpose: it is one seam (`verify_signin_code`) that can later be
pointed at the shared MFA verifier (code reuse and throttling per device). Until then it checks
RFC 6238 codes itself with pyotp, one step either side of now, and compares in constant time.
Seeds are stored as `SecretBox.seal(base32_seed, record=serial_number)` in ASCII.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from datetime import datetime

import pyotp

from warden.auth.secretbox import SecretBox, SecretBoxError
from warden.model import MfaDevice

__all__ = ["MfaCodeRejected", "verify_signin_code"]

_WINDOW = 1  # time steps accepted either side of now (clock drift)


class MfaCodeRejected(Exception):
    """The code matches none of the user's enabled MFA devices."""


def _codes(seed_base32: str, now: datetime) -> list[str]:
    generator = pyotp.TOTP(seed_base32)
    step = generator.interval
    stamp = int(now.timestamp())
    return [generator.at(stamp + offset * step) for offset in range(-_WINDOW, _WINDOW + 1)]


def _matches(expected: Sequence[str], code: str) -> bool:
    found = False
    for candidate in expected:  # no early exit: every candidate is compared
        found |= hmac.compare_digest(candidate.encode(), code.encode())
    return found


def verify_signin_code(
    secrets: SecretBox, devices: Sequence[MfaDevice], code: str, now: datetime
) -> MfaDevice:
    """The enabled device that `code` is valid for; raises MfaCodeRejected otherwise."""
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        raise MfaCodeRejected("an MFA code is six digits")
    for device in devices:
        if device.user_name is None:
            continue
        try:
            seed = secrets.open(device.seed_ciphertext.decode("ascii"), record=device.serial_number)
        except (SecretBoxError, UnicodeDecodeError):
            continue  # an unreadable seed accepts no code
        if _matches(_codes(seed.decode("ascii"), now), code):
            return device
    raise MfaCodeRejected("the MFA code is not valid")
