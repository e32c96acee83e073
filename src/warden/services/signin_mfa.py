"""The MFA step of a console sign-in: a TOTP code checked against the user's enabled devices
with the same rules as the API's MFA checks (`mfa_codes`): one step either side of now, each code
accepted once, wrong codes counted towards the device's throttle."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from warden.auth.secretbox import SecretBox
from warden.model import MfaDevice
from warden.services.mfa_codes import accept_any_code
from warden.store import Transaction

__all__ = ["MfaCodeRejected", "verify_signin_code"]


class MfaCodeRejected(Exception):
    """The code is accepted by none of the user's enabled MFA devices."""


def verify_signin_code(
    tx: Transaction, secrets: SecretBox, devices: Sequence[MfaDevice], code: str, now: datetime
) -> MfaDevice:
    """The enabled device that accepted `code`; raises MfaCodeRejected otherwise (the failure is
    counted in `tx`, which the sign-in commits)."""
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        raise MfaCodeRejected("an MFA code is six digits")
    accepted = accept_any_code(tx, secrets, [d for d in devices if d.user_name is not None], code, now)
    if accepted is None:
        raise MfaCodeRejected("the MFA code is not valid")
    return accepted
