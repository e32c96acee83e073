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


def _device(h: Harness, seed: str, *, enabled: bool = True) -> MfaDevice:
    serial = f"arn:aws:iam::{ACCOUNT_ID}:mfa/bob"
    return MfaDevice(
        serial_number=serial,
        account_id=ACCOUNT_ID,
        name="bob",
        path="/",
        create_date=h.now,
        seed_ciphertext=h.env.secrets.seal(seed, record=serial).encode("ascii"),
        user_name="bob" if enabled else None,
    )


def test_mfa_codes_one_step_either_side(h: Harness) -> None:
    """RFC 6238 codes, accepted within one 30-second step of now."""
    seed = pyotp.random_base32()
    device = _device(h, seed)
    totp = pyotp.TOTP(seed)
    at = h.now.timestamp()
    assert verify_signin_code(h.env.secrets, [device], totp.at(at), h.now) == device
    assert verify_signin_code(h.env.secrets, [device], totp.at(at - 30), h.now) == device
    assert verify_signin_code(h.env.secrets, [device], totp.at(at + 30), h.now) == device
    stale = totp.at(at - 90)
    if stale not in {totp.at(at + d) for d in (-30, 0, 30)}:
        with pytest.raises(MfaCodeRejected):
            verify_signin_code(h.env.secrets, [device], stale, h.now)
    for bad in ("12345", "abcdef", "1234567"):
        with pytest.raises(MfaCodeRejected):
            verify_signin_code(h.env.secrets, [device], bad, h.now)
    with pytest.raises(MfaCodeRejected):  # a deactivated device accepts nothing
        verify_signin_code(h.env.secrets, [_device(h, seed, enabled=False)], totp.at(at), h.now)


def test_a_seed_sealed_for_another_device_is_refused(h: Harness) -> None:
    seed = pyotp.random_base32()
    device = _device(h, seed)
    swapped = dataclasses.replace(device, serial_number=f"arn:aws:iam::{ACCOUNT_ID}:mfa/mallory")
    with pytest.raises(MfaCodeRejected):
        verify_signin_code(h.env.secrets, [swapped], pyotp.TOTP(seed).at(h.now.timestamp()), h.now)
