"""Virtual MFA devices and MFA-authenticated sessions end to end, with boto3 and the real clock.

https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer

from warden.auth.totp import hotp, seed_key, time_step

ACCOUNT = "111122223333"
INVALID = "MultiFactorAuthentication failed with invalid MFA one time pass code."


class Phone:
    """An authenticator app: the seed, and never a code for a step it already showed."""

    def __init__(self, seed: bytes) -> None:
        self.key = seed_key(seed.decode("ascii"))
        self.last = -1

    def next_step(self) -> int:
        step = max(self.last + 1, time_step(datetime.now(UTC)) - 1)
        assert step <= time_step(datetime.now(UTC)) + 1, "used up the window; wait for the next step"
        self.last = step
        return step

    def code(self) -> str:
        return hotp(self.key, self.next_step())


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _session_client(server: LiveServer, service: str, credentials: dict[str, Any]) -> Any:
    return boto3.client(
        service, endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _user_with_device(
    root_iam: Any, new_user: Any, policy: dict[str, Any] | None = None
) -> tuple[str, str, Phone, Any, Any]:
    """A fresh user with a policy, an access key and an enabled device: (name, serial, phone,
    the user's iam client, the user's sts client)."""
    name, iam, sts = new_user(policy)
    device = root_iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-phone")["VirtualMFADevice"]
    assert device["QRCodePNG"].startswith(b"\x89PNG\r\n\x1a\n")
    assert len(device["Base32StringSeed"]) == 40
    phone = Phone(device["Base32StringSeed"])
    step = phone.next_step()
    phone.next_step()
    root_iam.enable_mfa_device(UserName=name, SerialNumber=device["SerialNumber"],
                               AuthenticationCode1=hotp(phone.key, step), AuthenticationCode2=hotp(phone.key, step + 1))
    return name, device["SerialNumber"], phone, iam, sts


def test_device_lifecycle(root_iam: Any, new_user: Any) -> None:
    name, serial, _, _, _ = _user_with_device(root_iam, new_user)
    assert serial == f"arn:aws:iam::{ACCOUNT}:mfa/{name}-phone"
    devices = root_iam.list_mfa_devices(UserName=name)["MFADevices"]
    assert [d["SerialNumber"] for d in devices] == [serial]
    assigned = root_iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert any(d["SerialNumber"] == serial and d["User"]["UserName"] == name for d in assigned)
    with pytest.raises(ClientError) as caught:
        root_iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert _error(caught)[0] == "DeleteConflict"
    with pytest.raises(ClientError) as caught:
        root_iam.delete_user(UserName=name)
    assert _error(caught)[0] == "DeleteConflict"
    root_iam.deactivate_mfa_device(UserName=name, SerialNumber=serial)
    root_iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert root_iam.list_mfa_devices(UserName=name)["MFADevices"] == []


def test_enable_refuses_wrong_codes(root_iam: Any, new_user: Any) -> None:
    name, _, _ = new_user()
    serial = root_iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-x")["VirtualMFADevice"]["SerialNumber"]
    with pytest.raises(ClientError) as caught:
        root_iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                                   AuthenticationCode2="654321")
    assert _error(caught) == ("InvalidAuthenticationCode", "Authentication code for device is not valid.")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_deny_without_mfa_and_the_mfa_session(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"},
        {"Effect": "Deny", "NotAction": ["iam:ListMFADevices", "sts:GetSessionToken"], "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    ]}
    name, serial, phone, iam, sts = _user_with_device(root_iam, new_user, policy)
    with pytest.raises(ClientError) as caught:
        iam.list_users()
    code, message = _error(caught)
    assert code == "AccessDenied" and "explicit deny" in message

    credentials = sts.get_session_token(SerialNumber=serial, TokenCode=phone.code(), DurationSeconds=900)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    session_iam = _session_client(server, "iam", credentials)
    session_iam.list_users()
    assert _session_client(server, "sts", credentials).get_caller_identity()["Arn"] == (
        f"arn:aws:iam::{ACCOUNT}:user/{name}"
    )
    with pytest.raises(ClientError) as caught:
        _session_client(server, "sts", credentials).get_session_token()
    assert _error(caught) == ("AccessDenied", "Cannot call GetSessionToken with session credentials")



def test_session_token_without_mfa_cannot_call_iam(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    """https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html: "You cannot
    call any IAM API operations unless MFA authentication information is included"; AWS answers
    InvalidClientTokenId."""
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}]}
    _, serial, phone, _, sts = _user_with_device(root_iam, new_user, allow)
    plain = sts.get_session_token()["Credentials"]
    with pytest.raises(ClientError) as caught:
        _session_client(server, "iam", plain).list_users()
    assert _error(caught) == ("InvalidClientTokenId", "The security token included in the request is invalid.")
    assert _session_client(server, "sts", plain).get_caller_identity()["Account"] == ACCOUNT
    with_mfa = sts.get_session_token(SerialNumber=serial, TokenCode=phone.code())["Credentials"]
    _session_client(server, "iam", with_mfa).list_users()


def test_a_code_is_accepted_once(root_iam: Any, new_user: Any) -> None:
    _, serial, phone, _, sts = _user_with_device(root_iam, new_user)
    code = phone.code()
    sts.get_session_token(SerialNumber=serial, TokenCode=code)
    with pytest.raises(ClientError) as caught:
        sts.get_session_token(SerialNumber=serial, TokenCode=code)
    assert _error(caught) == ("AccessDenied", INVALID)


def test_wrong_codes_throttle(root_iam: Any, new_user: Any) -> None:
    _, serial, phone, _, sts = _user_with_device(root_iam, new_user)
    upcoming = {hotp(phone.key, time_step(datetime.now(UTC)) + d) for d in range(-2, 4)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in upcoming)
    for _ in range(5):
        with pytest.raises(ClientError) as caught:
            sts.get_session_token(SerialNumber=serial, TokenCode=wrong)
        assert _error(caught) == ("AccessDenied", INVALID)
    with pytest.raises(ClientError) as caught:
        sts.get_session_token(SerialNumber=serial, TokenCode=phone.code())
    assert _error(caught) == ("AccessDenied", INVALID)


def test_assume_role_requires_mfa_in_the_trust_policy(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}
    role_name = f"r-{uuid.uuid4().hex[:8]}"
    role_arn = root_iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}
    _, serial, phone, _, sts = _user_with_device(root_iam, new_user, policy)
    with pytest.raises(ClientError) as caught:
        sts.assume_role(RoleArn=role_arn, RoleSessionName="no-mfa")
    assert _error(caught)[0] == "AccessDenied"
    answer = sts.assume_role(RoleArn=role_arn, RoleSessionName="with-mfa", SerialNumber=serial, TokenCode=phone.code())
    assert answer["AssumedRoleUser"]["Arn"].endswith(f":assumed-role/{role_name}/with-mfa")


def test_refused_codes_are_audited_once_each(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    """A refused code commits its failure count and is still audited as one failed call.
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html"""
    name, serial, phone, _, sts = _user_with_device(root_iam, new_user)
    upcoming = {hotp(phone.key, time_step(datetime.now(UTC)) + d) for d in range(-2, 4)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in upcoming)
    with pytest.raises(ClientError):
        sts.get_session_token(SerialNumber=serial, TokenCode=wrong)
    sts.get_session_token(SerialNumber=serial, TokenCode=phone.code())
    trail = server.client("cloudtrail", *server.root_keys())
    pages = trail.get_paginator("lookup_events").paginate(
        LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": name}]
    )
    records = [json.loads(e["CloudTrailEvent"]) for page in pages for e in page["Events"]
               if e["EventName"] == "GetSessionToken"]
    assert sorted(r.get("errorCode", "") for r in records) == ["", "AccessDenied"]
    assert all(r["requestParameters"]["tokenCode"] == "HIDDEN_DUE_TO_SECURITY_REASONS" for r in records)
