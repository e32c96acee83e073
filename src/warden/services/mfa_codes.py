"""Checking codes of a virtual MFA device, for IAM (Enable/ResyncMFADevice) and STS
(GetSessionToken, AssumeRole with SerialNumber).

Rules warden keeps, on top of RFC 6238 (see `warden.auth.totp`):
- A code is accepted at most once: the store records the time step of the last accepted code
  and refuses any code at or before it, atomically, so two racing requests cannot share one.
- Throttling: after `THROTTLE_AFTER` consecutive wrong codes the device refuses every code,
  right or wrong, for a backoff that starts at `BACKOFF_START` and doubles with each further
  wrong code, up to `BACKOFF_MAX`. An accepted code clears the count. AWS documents that it
  limits MFA attempts but not the numbers; these follow common authenticator-service practice.
  A throttled device answers with the same error as a wrong code, so probing learns nothing.
- A refusal still commits the failure count (`CommitThenRaise`), else throttling could never
  engage.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from warden.auth.secretbox import SecretBox, SecretBoxError
from warden.auth.totp import (
    STEP_SECONDS,
    InvalidTotpCode,
    encode_seed,
    seed_key,
    time_step,
    verify_consecutive,
    verify_totp,
)
from warden.errors import AccessDenied, AwsError
from warden.model import MfaDevice
from warden.services.call import Call
from warden.services.caller import CallerKind
from warden.services.dispatch import CommitThenRaise
from warden.store import Transaction

__all__ = [
    "BACKOFF_MAX",
    "BACKOFF_START",
    "STS_BOTH_REQUIRED",
    "STS_INVALID_CODE",
    "STS_UNKNOWN_DEVICE",
    "THROTTLE_AFTER",
    "accept_any_code",
    "check_code",
    "check_consecutive_codes",
    "device_key",
    "device_time",
    "mfa_requested",
    "new_seed",
    "resync_device",
    "seal_seed",
    "verify_caller_mfa",
]

THROTTLE_AFTER = 5
BACKOFF_START = timedelta(seconds=30)
BACKOFF_MAX = timedelta(minutes=15)


def seal_seed(secrets: SecretBox, serial_number: str, seed_base32: str) -> bytes:
    """The seed as stored: sealed under the master key, bound to the device's serial number."""
    return secrets.seal(seed_base32, record=serial_number).encode("ascii")


def device_key(secrets: SecretBox, device: MfaDevice) -> bytes:
    """The device's HMAC key, opened from its sealed seed."""
    seed = secrets.open(device.seed_ciphertext.decode("ascii"), record=device.serial_number)
    return seed_key(seed.decode("ascii"))


def new_seed(random_bytes: bytes) -> str:
    """A 40-character base32 seed from 25 random bytes."""
    return encode_seed(random_bytes)


def _backoff(failures: int) -> timedelta:
    doublings = min(max(failures - THROTTLE_AFTER, 0), 16)
    backoff: timedelta = BACKOFF_START * (1 << doublings)
    return min(backoff, BACKOFF_MAX)


def _refuse(tx: Transaction, device: MfaDevice, now: datetime, refusal: AwsError) -> CommitThenRaise:
    failures = device.failed_attempts + 1
    tx.record_mfa_failure(device.account_id, device.serial_number, THROTTLE_AFTER, now + _backoff(failures))
    return CommitThenRaise(refusal)


def _throttled(device: MfaDevice, now: datetime) -> bool:
    return device.throttled_until is not None and now < device.throttled_until


def device_time(device: MfaDevice, now: datetime) -> datetime:
    """`now` on the device's clock, as its last resync measured the drift."""
    return now + timedelta(seconds=STEP_SECONDS * device.clock_offset_steps)


def _accept(
    tx: Transaction,
    device: MfaDevice,
    now: datetime,
    refusal: AwsError,
    step_of: Callable[[], int],
) -> int:
    """The one path every code takes: a throttled device accepts nothing; a wrong code, or one
    already used (a conditional update, so racing requests cannot both win), is counted and
    refused; an accepted step is remembered."""
    if _throttled(device, now):
        raise refusal
    try:
        step = step_of()
    except InvalidTotpCode:
        raise _refuse(tx, device, now, refusal) from None
    if not tx.accept_mfa_step(device.account_id, device.serial_number, step):
        raise _refuse(tx, device, now, refusal)
    return step


def check_code(
    tx: Transaction, secrets: SecretBox, device: MfaDevice, code: str, now: datetime, refusal: AwsError
) -> None:
    """Accept one code of `device` at `now`, or raise `refusal` (committing the failure)."""
    key = device_key(secrets, device)
    _accept(
        tx, device, now, refusal,
        lambda: verify_totp(key, code, device_time(device, now), after_step=device.last_used_step),
    )


def check_consecutive_codes(
    tx: Transaction,
    secrets: SecretBox,
    device: MfaDevice,
    codes: tuple[str, str],
    now: datetime,
    refusal: AwsError,
) -> int:
    """Accept two consecutive codes of `device` (EnableMFADevice), or raise `refusal`
    (committing the failure); the step of the second code."""
    key = device_key(secrets, device)
    return _accept(
        tx, device, now, refusal,
        lambda: verify_consecutive(key, codes[0], codes[1], device_time(device, now), after_step=device.last_used_step),
    )


RESYNC_WINDOW_STEPS = 20
"""How far (in 30-second steps, either way) ResyncMFADevice looks for the device's codes: a
device whose clock drifted up to ten minutes can be resynchronized."""


def resync_device(
    tx: Transaction, secrets: SecretBox, device: MfaDevice, codes: tuple[str, str], now: datetime, refusal: AwsError
) -> None:
    """ResyncMFADevice: find two consecutive codes near the server's time and remember how far
    the device's clock is from it, so later codes are checked against the device's time."""
    key = device_key(secrets, device)
    step = _accept(
        tx, device, now, refusal,
        # Around the server's clock, widely: the device's remembered drift is what is remeasured.
        lambda: verify_consecutive(
            key, codes[0], codes[1], now, after_step=device.last_used_step, window=RESYNC_WINDOW_STEPS
        ),
    )
    tx.set_mfa_clock_offset(device.account_id, device.serial_number, step - time_step(now))


def accept_any_code(
    tx: Transaction, secrets: SecretBox, devices: list[MfaDevice], code: str, now: datetime
) -> MfaDevice | None:
    """The device among `devices` that accepts `code` (once; throttled devices accept nothing),
    or None, after counting the failure on every device (the console sign-in's MFA step, where
    the person does not name the device)."""
    for device in devices:
        if _throttled(device, now):
            continue
        try:
            step = verify_totp(
                device_key(secrets, device), code, device_time(device, now), after_step=device.last_used_step
            )
        except (InvalidTotpCode, SecretBoxError):  # an unreadable seed accepts no code
            continue
        if tx.accept_mfa_step(device.account_id, device.serial_number, step):
            return device
    for device in devices:
        failures = device.failed_attempts + 1
        tx.record_mfa_failure(device.account_id, device.serial_number, THROTTLE_AFTER, now + _backoff(failures))
    return None


# https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html (SerialNumber,
# TokenCode); the texts are those STS answers with.
STS_INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code."
STS_BOTH_REQUIRED = "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code."
STS_UNKNOWN_DEVICE = (
    "MultiFactorAuthentication failed, unable to validate MFA code. "
    "Please verify your MFA serial number is valid and associated with this user."
)


def mfa_requested(serial_number: str | None, token_code: str | None) -> bool:
    """Whether an STS request carries MFA; one of the two without the other is refused."""
    if not serial_number and not token_code:
        return False
    if not serial_number or not token_code:
        raise AccessDenied(STS_BOTH_REQUIRED)
    return True


def verify_caller_mfa(call: Call, serial_number: str, token_code: str) -> None:
    """Check an STS request's TokenCode against the caller's own enabled device. Call after
    authorizing: a wrong code is refused with AccessDenied and still counted."""
    device = call.tx.get_mfa_device(call.account_id, serial_number)
    owner = call.caller.name if call.caller.kind is CallerKind.USER else None
    if (
        device is None
        or owner is None
        or device.account_id != call.account_id
        or (device.user_name or "").lower() != owner.lower()
    ):
        raise AccessDenied(STS_UNKNOWN_DEVICE)
    check_code(call.tx, call.services.secrets, device, token_code, call.now, AccessDenied(STS_INVALID_CODE))
