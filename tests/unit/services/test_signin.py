"""Sign-in logic in-process: backoff schedule, the MFA seam, and the audit outcome.

https://docs.aws.amazon.com/IAM/latest/UserGuide/console_sign-in-tutorials.html
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from identity_grants import identity_harness

from harness import ACCOUNT_ID, Harness
from warden.model import MfaDevice
from warden.services.signin import LOCK_AFTER, LOCK_MAX, SignIn, SigninAttempt, Status, lock_duration
from warden.services.signin_mfa import MfaCodeRejected, verify_signin_code

PASSWORD = "Corr3ct-Horse"


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = identity_harness(tmp_path)
    harness.call("CreateUser", {"UserName": "bob"})
    harness.call("CreateLoginProfile", {"UserName": "bob", "Password": PASSWORD})
    return harness


def test_lock_duration_doubles_from_one_second_and_is_capped() -> None:
    assert [lock_duration(n) for n in range(1, LOCK_AFTER)] == [None] * (LOCK_AFTER - 1)
    assert lock_duration(LOCK_AFTER) == timedelta(seconds=1)
    assert lock_duration(LOCK_AFTER + 1) == timedelta(seconds=2)
    assert lock_duration(LOCK_AFTER + 3) == timedelta(seconds=8)
    assert lock_duration(LOCK_AFTER + 40) == LOCK_MAX


def test_outcomes_carry_what_the_audit_trail_needs(h: Harness) -> None:
    signin = SignIn(h.store, h.env)
    attempt = SigninAttempt(ACCOUNT_ID, "bob", "wrong", source_ip="203.0.113.9", user_agent="ua")
    for n in range(1, LOCK_AFTER + 2):
        failed = signin(attempt, h.now)
        assert failed.status is Status.FAILED and not failed.succeeded
        assert failed.user_arn == f"arn:aws:iam::{ACCOUNT_ID}:user/bob" and failed.session is None
        assert (failed.source_ip, failed.user_agent, failed.account_id) == ("203.0.113.9", "ua", ACCOUNT_ID)
    assert failed.reason == "locked after repeated failures"  # the 6th came while locked
    right = SigninAttempt(ACCOUNT_ID, "bob", PASSWORD)
    assert signin(right, h.now).status is Status.FAILED
    ok = signin(right, h.now + timedelta(seconds=1))
    assert ok.succeeded and ok.session is not None and ok.mfa_used is False
    unknown = signin(SigninAttempt(ACCOUNT_ID, "nobody", PASSWORD), h.now)
    assert (unknown.status, unknown.user_arn, unknown.reason) == (Status.FAILED, None, "no such user")
    with h.store.transaction(readonly=True) as tx:
        user = tx.get_user(ACCOUNT_ID, "bob")
    assert user is not None and user.password_last_used == h.now + timedelta(seconds=1)


def _device(h: Harness, seed: str, *, name: str = "bob", enabled: bool = True) -> MfaDevice:
    """A virtual MFA device stored for bob (enabled) or left unassigned."""
    serial = f"arn:aws:iam::{ACCOUNT_ID}:mfa/{name}"
    device = MfaDevice(
        serial_number=serial,
        account_id=ACCOUNT_ID,
        name=name,
        path="/",
        create_date=h.now,
        seed_ciphertext=h.env.secrets.seal(seed, record=serial).encode("ascii"),
    )
    with h.store.transaction() as tx:
        tx.create_mfa_device(device)
        if enabled:
            tx.enable_mfa_device(ACCOUNT_ID, serial, "bob", h.now)
        stored = tx.get_mfa_device(ACCOUNT_ID, serial)
    assert stored is not None
    return stored


def _verify(h: Harness, device: MfaDevice, code: str) -> str:
    """The serial number of the device that accepted `code`."""
    with h.store.transaction() as tx:
        current = tx.get_mfa_device(ACCOUNT_ID, device.serial_number)
        assert current is not None
        return verify_signin_code(tx, h.env.secrets, [current], code, h.now).serial_number


def test_mfa_codes_one_step_either_side_each_once(h: Harness) -> None:
    """RFC 6238 codes, accepted within one 30-second step of now, each at most once (the same
    rules as the API's MFA checks)."""
    seed = pyotp.random_base32()
    device = _device(h, seed, name="bob-window")
    totp = pyotp.TOTP(seed)
    at = h.now.timestamp()
    assert _verify(h, device, totp.at(at - 30)) == device.serial_number
    assert _verify(h, device, totp.at(at)) == device.serial_number
    with pytest.raises(MfaCodeRejected):  # already used
        _verify(h, device, totp.at(at))
    assert _verify(h, device, totp.at(at + 30)) == device.serial_number
    for bad in ("12345", "abcdef", "1234567"):
        with pytest.raises(MfaCodeRejected):
            _verify(h, device, bad)
    with pytest.raises(MfaCodeRejected):  # a device that is not enabled accepts nothing
        _verify(h, _device(h, seed, name="bob-off", enabled=False), totp.at(at))


def test_a_seed_sealed_for_another_device_is_refused(h: Harness) -> None:
    seed = pyotp.random_base32()
    device = _device(h, seed)
    swapped = dataclasses.replace(device, seed_ciphertext=h.env.secrets.seal(seed, record="another").encode())
    with pytest.raises(MfaCodeRejected), h.store.transaction() as tx:
        verify_signin_code(tx, h.env.secrets, [swapped], pyotp.TOTP(seed).at(h.now.timestamp()), h.now)
