"""ChangePassword through boto3 against a live server.

https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer  # type: ignore[import-not-found]

FIRST, SECOND = "Corr3ct-Horse-Battery", "Batt3ry-Staple-Horse"


@pytest.fixture
def self_service(root_iam: Any) -> Iterator[None]:
    root_iam.update_account_password_policy(
        MinimumPasswordLength=8, AllowUsersToChangePassword=True, PasswordReusePrevention=3
    )
    yield
    root_iam.delete_account_password_policy()


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_user_changes_own_password(
    server: LiveServer, root_iam: Any, new_user: Callable[..., tuple[str, Any, Any]], self_service: None
) -> None:
    """AllowUsersToChangePassword: a user with no policies changes their own password, and the
    new one signs in. https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html"""
    name, iam, _ = new_user()
    root_iam.create_login_profile(UserName=name, Password=FIRST, PasswordResetRequired=True)
    with pytest.raises(ClientError) as wrong:
        iam.change_password(OldPassword="Not-The-Passw0rd", NewPassword=SECOND)
    assert _code(wrong) == "AccessDenied"
    with pytest.raises(ClientError) as reused:
        iam.change_password(OldPassword=FIRST, NewPassword=FIRST)
    assert _code(reused) == "PasswordPolicyViolation"
    assert reused.value.response["Error"]["Message"] == "Password should not be one of your last 3 passwords"
    iam.change_password(OldPassword=FIRST, NewPassword=SECOND)
    assert root_iam.get_login_profile(UserName=name)["LoginProfile"]["PasswordResetRequired"] is False
    signin = httpx.post(
        f"{server.endpoint}/signin",
        json={"account": "111122223333", "username": name, "password": SECOND},
        timeout=10,
    )
    assert signin.status_code == 200, signin.text


def test_change_password_without_permission_is_denied(
    root_iam: Any, new_user: Callable[..., tuple[str, Any, Any]]
) -> None:
    """Without AllowUsersToChangePassword the user needs iam:ChangePassword (IAMUserChangePassword).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_enable-user-change.html"""
    name, iam, _ = new_user()
    root_iam.create_login_profile(UserName=name, Password=FIRST)
    with pytest.raises(ClientError) as denied:
        iam.change_password(OldPassword=FIRST, NewPassword=SECOND)
    assert _code(denied) == "AccessDenied"
    name2, iam2, _ = new_user(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:ChangePassword",
                    "Resource": "arn:aws:iam::*:user/${aws:username}",
                }
            ],
        }
    )
    root_iam.create_login_profile(UserName=name2, Password=FIRST)
    iam2.change_password(OldPassword=FIRST, NewPassword=SECOND)


def test_root_gets_invalid_user_type(root_iam: Any) -> None:
    """https://docs.aws.amazon.com/cli/latest/reference/iam/change-password.html"""
    with pytest.raises(ClientError) as error:
        root_iam.change_password(OldPassword=FIRST, NewPassword=SECOND)
    assert _code(error) == "InvalidUserType"
