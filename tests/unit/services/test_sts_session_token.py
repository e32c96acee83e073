"""STS GetSessionToken and AssumeRole with MFA, through the in-process harness.

https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from identity_grants import grant

from harness import ACCOUNT_ID, Harness, make_harness
from warden.auth.totp import hotp, seed_key, time_step
from warden.errors import AccessDenied, InvalidClientTokenId, ValidationError
from warden.services import iam, sts
from warden.services.caller import Caller
from warden.services.mfa_codes import THROTTLE_AFTER, device_key
from warden.services.sessions import caller_from_token
from warden.services.sts_session_token import check_session_token_scope

SERIAL = f"arn:aws:iam::{ACCOUNT_ID}:mfa/bob-phone"
INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code."
DENY_WITHOUT_MFA = {
    "Effect": "Deny",
    "NotAction": ["iam:ListMFADevices", "sts:GetSessionToken"],
    "Resource": "*",
    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
}


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = make_harness(tmp_path, {"iam": iam.HANDLERS, "sts": sts.HANDLERS})
    harness.call("CreateUser", {"UserName": "bob"})
    device = harness.call("CreateVirtualMFADevice", {"VirtualMFADeviceName": "bob-phone"})["VirtualMFADevice"]
    key, step = seed_key(device["Base32StringSeed"].decode("ascii")), time_step(harness.now)
    harness.call("EnableMFADevice", {
        "UserName": "bob", "SerialNumber": SERIAL,
        "AuthenticationCode1": hotp(key, step - 2), "AuthenticationCode2": hotp(key, step - 1),
    })
    return harness


def _code(h: Harness, offset: int = 0) -> str:
    """What bob's phone shows now (the seed read back the way warden reads it)."""
    with h.store.transaction(readonly=True) as tx:
        device = tx.get_mfa_device(ACCOUNT_ID, SERIAL)
    assert device is not None
    return hotp(device_key(h.env.secrets, device), time_step(h.now) + offset)


def _sts(h: Harness, operation: str, params: dict[str, Any], caller: Caller) -> Any:
    return h.call(operation, params, caller=caller, service="sts")


def _session(h: Harness, credentials: dict[str, Any]) -> Caller:
    return caller_from_token(credentials["AccessKeyId"], credentials["SessionToken"], h.env.tokens, h.now)[1]


def test_session_without_mfa_lasts_twelve_hours_by_default(h: Harness) -> None:
    credentials = _sts(h, "GetSessionToken", {}, h.user_caller("bob"))["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert credentials["Expiration"] == h.now + timedelta(seconds=43200)
    session = _session(h, credentials)
    assert session.arn == f"arn:aws:iam::{ACCOUNT_ID}:user/bob" and session.name == "bob"
    assert not session.mfa_authenticated and session.token_issued_at == h.now


def test_session_with_mfa_carries_the_flags(h: Harness) -> None:
    answer = _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h), "DurationSeconds": 900},
                  h.user_caller("bob"))
    credentials = answer["Credentials"]
    assert credentials["Expiration"] == h.now + timedelta(seconds=900)
    session = _session(h, credentials)
    assert session.mfa_authenticated and session.mfa_authenticated_at == h.now


def test_the_root_user_is_held_to_one_hour(h: Harness) -> None:
    credentials = _sts(h, "GetSessionToken", {"DurationSeconds": 129600}, h.root)["Credentials"]
    assert credentials["Expiration"] == h.now + timedelta(seconds=3600)
    assert _sts(h, "GetSessionToken", {}, h.root)["Credentials"]["Expiration"] == h.now + timedelta(hours=1)


def test_duration_bounds_come_from_the_model(h: Harness) -> None:
    with pytest.raises(ValidationError):
        _sts(h, "GetSessionToken", {"DurationSeconds": 899}, h.user_caller("bob"))
    with pytest.raises(ValidationError):
        _sts(h, "GetSessionToken", {"DurationSeconds": 129601}, h.user_caller("bob"))


def test_sessions_cannot_call_it(h: Harness) -> None:
    credentials = _sts(h, "GetSessionToken", {}, h.user_caller("bob"))["Credentials"]
    with pytest.raises(AccessDenied, match="^Cannot call GetSessionToken with session credentials$"):
        _sts(h, "GetSessionToken", {}, _session(h, credentials))


def test_wrong_reused_and_foreign_codes(h: Harness) -> None:
    bob = h.user_caller("bob")
    wrong = "000000" if _code(h) != "000000" else "111111"
    with pytest.raises(AccessDenied, match=f"^{INVALID}$"):
        _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": wrong}, bob)
    code = _code(h)
    _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": code}, bob)
    with pytest.raises(AccessDenied, match=f"^{INVALID}$"):  # the same code again
        _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": code}, bob)
    with pytest.raises(AccessDenied, match="must provide both MFA serial number and one time pass code"):
        _sts(h, "GetSessionToken", {"SerialNumber": SERIAL}, bob)
    h.call("CreateUser", {"UserName": "eve"})
    with pytest.raises(AccessDenied, match="associated with this user"):
        _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h, 1)}, h.user_caller("eve"))


def test_wrong_codes_throttle(h: Harness) -> None:
    bob = h.user_caller("bob")
    for _ in range(THROTTLE_AFTER):
        with pytest.raises(AccessDenied, match=f"^{INVALID}$"):
            _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": "000000"}, bob)
    with pytest.raises(AccessDenied, match=f"^{INVALID}$"):  # a right code is refused while throttled
        _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h)}, bob)
    h.now += timedelta(minutes=1)
    _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h)}, bob)


def test_deny_without_mfa_policy(h: Harness) -> None:
    """The classic policy: deny everything unless MFA was used (BoolIfExists false -> Deny).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam_mfa-selfmanage.html"""
    grant(h, "bob", {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}, DENY_WITHOUT_MFA)
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied, match="with an explicit deny in an identity-based policy"):
        h.call("ListUsers", {}, caller=bob)
    plain = _session(h, _sts(h, "GetSessionToken", {}, bob)["Credentials"])
    with pytest.raises(AccessDenied, match="explicit deny"):
        h.call("ListUsers", {}, caller=plain)
    answer = _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h)}, bob)
    with_mfa = _session(h, answer["Credentials"])
    assert [u["UserName"] for u in h.call("ListUsers", {}, caller=with_mfa)["Users"]] == ["bob"]


def test_assume_role_with_mfa_satisfies_the_trust_policy(h: Harness) -> None:
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
    role_arn = h.call("CreateRole", {"RoleName": "admin", "AssumeRolePolicyDocument": json.dumps(trust)})["Role"]["Arn"]
    grant(h, "bob", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn})
    bob = h.user_caller("bob")
    with pytest.raises(AccessDenied, match="not authorized to perform: sts:AssumeRole"):
        _sts(h, "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": "s1"}, bob)
    with pytest.raises(AccessDenied, match=f"^{INVALID}$"):
        _sts(h, "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": "s1", "SerialNumber": SERIAL,
                               "TokenCode": "000000" if _code(h) != "000000" else "111111"}, bob)
    answer = _sts(h, "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": "s1", "SerialNumber": SERIAL,
                                    "TokenCode": _code(h)}, bob)
    session = _session(h, answer["Credentials"])
    assert session.mfa_authenticated and session.mfa_authenticated_at == h.now
    # The MFA session from GetSessionToken satisfies the trust policy too, with no new code.
    h.now += timedelta(seconds=30)
    mfa_session = _session(h, _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h)},
                                   bob)["Credentials"])
    _sts(h, "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": "t1"}, mfa_session)


def test_session_token_scope_keeps_sessions_without_mfa_out_of_iam(h: Harness) -> None:
    """https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html"""
    bob = h.user_caller("bob")
    plain = _session(h, _sts(h, "GetSessionToken", {}, bob)["Credentials"])
    with pytest.raises(InvalidClientTokenId, match="^The security token included in the request is invalid.$"):
        check_session_token_scope(plain, "iam")
    check_session_token_scope(plain, "sts")
    check_session_token_scope(bob, "iam")
    with_mfa = _session(h, _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h)}, bob)["Credentials"])
    check_session_token_scope(with_mfa, "iam")


def test_mfa_age_flows_into_decisions(h: Harness) -> None:
    """aws:MultiFactorAuthAge is the seconds since the MFA-authenticated session began; a policy
    allowing only recent MFA stops allowing once the session grows older.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthage"""
    grant(h, "bob", {
        "Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
        "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    })
    bob = h.user_caller("bob")
    answer = _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h)}, bob)
    with_mfa = _session(h, answer["Credentials"])
    started = h.now
    h.now = started + timedelta(minutes=30)
    assert h.call("ListUsers", {}, caller=with_mfa)["Users"]
    h.now = started + timedelta(hours=2)
    with pytest.raises(AccessDenied):
        h.call("ListUsers", {}, caller=with_mfa)
    without = _session(h, _sts(h, "GetSessionToken", {}, bob)["Credentials"])
    with pytest.raises(AccessDenied):  # no MFA: the key is absent and NumericLessThan fails
        h.call("ListUsers", {}, caller=without)


def test_its_credentials_call_no_sts_api_but_assume_role_and_get_caller_identity(h: Harness) -> None:
    """API_GetSessionToken, Permissions: "You cannot call any STS API except AssumeRole or
    GetCallerIdentity", even with MFA and whatever the user's policies allow (bob may do
    anything). https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html"""
    grant(h, "bob", {"Effect": "Allow", "Action": "*", "Resource": "*"})
    bob = h.user_caller("bob")
    key_id = _sts(h, "GetSessionToken", {}, bob)["Credentials"]["AccessKeyId"]
    assert _sts(h, "GetAccessKeyInfo", {"AccessKeyId": key_id}, bob)["Account"] == ACCOUNT_ID
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}]}
    role_arn = h.call("CreateRole", {"RoleName": "ops", "AssumeRolePolicyDocument": json.dumps(trust)})["Role"]["Arn"]
    plain = _session(h, _sts(h, "GetSessionToken", {}, bob)["Credentials"])
    with_mfa = _session(h, _sts(h, "GetSessionToken", {"SerialNumber": SERIAL, "TokenCode": _code(h)}, bob)["Credentials"])
    for session in (plain, with_mfa):
        with pytest.raises(AccessDenied, match="not authorized to perform: sts:GetAccessKeyInfo"):
            _sts(h, "GetAccessKeyInfo", {"AccessKeyId": key_id}, session)
        with pytest.raises(AccessDenied, match="not authorized to perform: sts:DecodeAuthorizationMessage"):
            _sts(h, "DecodeAuthorizationMessage", {"EncodedMessage": "x"}, session)
        assert _sts(h, "GetCallerIdentity", {}, session)["Arn"] == bob.arn
        assumed = _sts(h, "AssumeRole", {"RoleArn": role_arn, "RoleSessionName": "s1"}, session)
        assert assumed["AssumedRoleUser"]["Arn"].endswith(":assumed-role/ops/s1")
