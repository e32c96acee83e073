"""How AssumeRole refuses the root user.

https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sts_support import ACCOUNT, make_role, sts_harness, trust

from harness import Harness
from warden.errors import AccessDenied


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return sts_harness(tmp_path)


def _assume(h: Harness, role_arn: str, caller_name: str | None = None, **extra: object) -> object:
    caller = h.user_caller(caller_name) if caller_name else h.root
    params = {"RoleArn": role_arn, "RoleSessionName": "s1", **extra}
    return h.call("AssumeRole", params, caller=caller, service="sts")


def test_the_root_user_is_refused_with_stss_own_text(h: Harness) -> None:
    """The API reference: "You cannot use Amazon Web Services account root user credentials to
    call AssumeRole." STS answers AccessDenied "Roles may not be assumed by root accounts.", as
    recorded from AWS in https://github.com/kubeflow/testing/pull/961 (not the generic
    "User: ... is not authorized" text), even when the trust policy names the account."""
    role = make_role(h, "open", trust(f"arn:aws:iam::{ACCOUNT}:root", "sts:AssumeRole"))
    with pytest.raises(AccessDenied) as refused:
        _assume(h, role)
    assert refused.value.message == "Roles may not be assumed by root accounts."
    with pytest.raises(AccessDenied) as missing:
        _assume(h, f"arn:aws:iam::{ACCOUNT}:role/absent")
    assert missing.value.message == "Roles may not be assumed by root accounts."
