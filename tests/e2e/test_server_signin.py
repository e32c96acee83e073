"""POST /signin against a live server: passwords, lockout, MFA, and expired passwords.

https://docs.aws.amazon.com/IAM/latest/UserGuide/console_sign-in-tutorials.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from live_server import LiveServer  # type: ignore[import-not-found]

from warden.model import MfaDevice

ACCOUNT = "111122223333"
PASSWORD = "Corr3ct-Horse-Battery"


def _user(root_iam: Any, **profile: Any) -> str:
    name = f"p-{uuid.uuid4().hex[:10]}"
    root_iam.create_user(UserName=name)
    root_iam.create_login_profile(UserName=name, Password=PASSWORD, **profile)
    return name


def _signin(server: LiveServer, **body: Any) -> httpx.Response:
    return httpx.post(f"{server.endpoint}/signin", json=body, timeout=10)


def _session_client(server: LiveServer, service: str, credentials: dict[str, str]) -> Any:
    client = server.client(service, credentials["AccessKeyId"], credentials["SecretAccessKey"])
    client.meta.events.register(
        "before-sign.*.*",
        lambda request, **_: request.headers.__setitem__("X-Amz-Security-Token", credentials["SessionToken"]),
    )
    return client


def test_signin_returns_working_temporary_credentials(server: LiveServer, root_iam: Any) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp.html"""
    name = _user(root_iam)
    answer = _signin(server, account=ACCOUNT, username=name, password=PASSWORD)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["user_arn"] == f"arn:aws:iam::{ACCOUNT}:user/{name}"
    assert body["mfa_authenticated"] is False
    assert body["credentials"]["AccessKeyId"].startswith("ASIA")
    assert answer.headers["cache-control"] == "no-store"
    sts = _session_client(server, "sts", body["credentials"])
    assert sts.get_caller_identity()["Arn"] == body["user_arn"]
    assert root_iam.get_user(UserName=name)["User"]["PasswordLastUsed"] is not None


def test_signin_by_alias(server: LiveServer, root_iam: Any) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/console_account-alias.html"""
    name = _user(root_iam)
    alias = f"signin-{uuid.uuid4().hex[:8]}"
    root_iam.create_account_alias(AccountAlias=alias)
    try:
        assert _signin(server, account=alias, username=name, password=PASSWORD).status_code == 200
    finally:
        root_iam.delete_account_alias(AccountAlias=alias)


def test_failures_never_reveal_whether_the_user_exists(server: LiveServer, root_iam: Any) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html"""
    name = _user(root_iam)
    wrong = _signin(server, account=ACCOUNT, username=name, password="Wrong-Passw0rd")
    unknown = _signin(server, account=ACCOUNT, username="nobody-at-all", password="Wrong-Passw0rd")
    no_account = _signin(server, account="999999999999", username=name, password=PASSWORD)
    assert wrong.status_code == unknown.status_code == no_account.status_code == 401
    assert wrong.json() == unknown.json() == no_account.json()
    assert wrong.json()["error"] == "SigninFailed"


def test_bad_bodies_get_400(server: LiveServer) -> None:
    assert httpx.post(f"{server.endpoint}/signin", content=b"not json").status_code == 400
    answer = _signin(server, account=ACCOUNT, username="x")
    assert answer.status_code == 400
    assert "password" in answer.json()["message"]


def test_lockout_with_backoff_then_success_resets_it(server: LiveServer, root_iam: Any) -> None:
    """Five failures lock the password for 1 s (then 2 s, ...); even the right password is refused
    meanwhile, with the same answer as a wrong one."""
    name = _user(root_iam)
    for _ in range(5):
        assert _signin(server, account=ACCOUNT, username=name, password="Wrong-Passw0rd").status_code == 401
    locked = _signin(server, account=ACCOUNT, username=name, password=PASSWORD)
    assert locked.status_code == 401 and locked.json()["error"] == "SigninFailed"
    time.sleep(1.2)
    assert _signin(server, account=ACCOUNT, username=name, password=PASSWORD).status_code == 200
    with server.runtime.store.transaction(readonly=True) as tx:
        profile = tx.get_login_profile(ACCOUNT, name)
    assert profile is not None and profile.failed_signins == 0 and profile.locked_until is None


def _enable_mfa(server: LiveServer, name: str) -> str:
    """An enabled virtual MFA device, stored as CreateVirtualMFADevice stores it (sealed seed)."""
    seed = pyotp.random_base32()
    serial = f"arn:aws:iam::{ACCOUNT}:mfa/{name}"
    secrets = server.runtime.env.secrets
    now = server.runtime.now()
    with server.runtime.store.transaction() as tx:
        tx.create_mfa_device(
            MfaDevice(
                serial_number=serial,
                account_id=ACCOUNT,
                name=name,
                path="/",
                create_date=now,
                seed_ciphertext=secrets.seal(seed, record=serial).encode("ascii"),
            )
        )
        tx.enable_mfa_device(ACCOUNT, serial, name, now)
    return seed


def test_mfa_required_then_verified(server: LiveServer, root_iam: Any) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/console_sign-in-mfa.html"""
    name = _user(root_iam)
    root_iam.put_user_policy(
        UserName=name,
        PolicyName="mfa-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "iam:GetUser",
                        "Resource": "*",
                        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
                    }
                ],
            }
        ),
    )
    seed = _enable_mfa(server, name)
    asked = _signin(server, account=ACCOUNT, username=name, password=PASSWORD)
    assert asked.status_code == 401 and asked.json()["mfa_required"] is True
    assert "credentials" not in asked.json()
    wrong_code = "000000" if pyotp.TOTP(seed).now() != "000000" else "111111"
    refused = _signin(server, account=ACCOUNT, username=name, password=PASSWORD, mfa_code=wrong_code)
    assert refused.status_code == 401 and refused.json()["error"] == "InvalidMfaCode"
    # A wrong password with a code is still the generic failure.
    generic = _signin(server, account=ACCOUNT, username=name, password="Wrong-Passw0rd", mfa_code=wrong_code)
    assert generic.json()["error"] == "SigninFailed"
    answer = _signin(
        server, account=ACCOUNT, username=name, password=PASSWORD, mfa_code=pyotp.TOTP(seed).now()
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["mfa_authenticated"] is True
    iam = _session_client(server, "iam", answer.json()["credentials"])
    assert iam.get_user()["User"]["UserName"] == name  # allowed only with MFA present


def test_reset_required_asks_for_a_new_password(server: LiveServer, root_iam: Any) -> None:
    """PasswordResetRequired: the user must set a new password at the next sign-in.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html"""
    name = _user(root_iam, PasswordResetRequired=True)
    asked = _signin(server, account=ACCOUNT, username=name, password=PASSWORD)
    assert asked.status_code == 401 and asked.json()["password_change_required"] is True
    weak = _signin(server, account=ACCOUNT, username=name, password=PASSWORD, new_password="short")
    assert weak.status_code == 400 and weak.json()["error"] == "PasswordPolicyViolation"
    assert "minimum length" in weak.json()["message"]
    changed = _signin(
        server, account=ACCOUNT, username=name, password=PASSWORD, new_password="N3w-Horse-Battery"
    )
    assert changed.status_code == 200, changed.text
    assert root_iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False
    assert _signin(server, account=ACCOUNT, username=name, password="N3w-Horse-Battery").status_code == 200


def _age_password(server: LiveServer, name: str, days: int) -> None:
    with server.runtime.store.transaction() as tx:
        profile = tx.get_login_profile(ACCOUNT, name)
        assert profile is not None
        older = server.runtime.now() - timedelta(days=days)
        tx.update_login_profile(ACCOUNT, dataclasses.replace(profile, password_set_date=older))


@pytest.fixture
def expiring_policy(root_iam: Any) -> Any:
    yield lambda **extra: root_iam.update_account_password_policy(MaxPasswordAge=30, **extra)
    root_iam.delete_account_password_policy()


def test_expired_password_must_be_changed(server: LiveServer, root_iam: Any, expiring_policy: Any) -> None:
    """MaxPasswordAge: an expired password must be replaced at sign-in.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"""
    expiring_policy()
    name = _user(root_iam)
    _age_password(server, name, 31)
    asked = _signin(server, account=ACCOUNT, username=name, password=PASSWORD)
    assert asked.status_code == 401 and asked.json()["password_change_required"] is True
    reused = _signin(server, account=ACCOUNT, username=name, password=PASSWORD, new_password=PASSWORD)
    assert reused.status_code == 200  # no reuse prevention in this policy
    assert _signin(server, account=ACCOUNT, username=name, password=PASSWORD).status_code == 200


def test_hard_expiry_needs_an_administrator(server: LiveServer, root_iam: Any, expiring_policy: Any) -> None:
    """HardExpiry: after expiry only an administrator can reset the password.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html"""
    expiring_policy(HardExpiry=True)
    name = _user(root_iam)
    _age_password(server, name, 31)
    refused = _signin(
        server, account=ACCOUNT, username=name, password=PASSWORD, new_password="N3w-Horse-Battery"
    )
    assert refused.status_code == 401 and refused.json()["password_expired"] is True
    root_iam.update_login_profile(UserName=name, Password="Adm1n-Set-Password")
    assert _signin(server, account=ACCOUNT, username=name, password="Adm1n-Set-Password").status_code == 200
