"""STS GetAccessKeyInfo: the account of any access key id, authorized as sts:GetAccessKeyInfo.

https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sts_support import ACCOUNT, allow, sts_harness, user

from harness import Harness
from warden.errors import AccessDenied, InvalidParameterValue
from warden.model import Account


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return sts_harness(tmp_path)


def test_long_term_temporary_and_foreign_keys(h: Harness) -> None:
    other = "444455556666"
    with h.store.transaction() as tx:
        tx.create_account(Account(account_id=other, create_date=h.now))
    h.call("CreateUser", {"UserName": "bob"})
    key = h.call("CreateAccessKey", {"UserName": "bob"})["AccessKey"]["AccessKeyId"]
    h.call("UpdateAccessKey", {"UserName": "bob", "AccessKeyId": key, "Status": "Inactive"})
    reader = user(h, "reader", allow("sts:GetAccessKeyInfo"), allow("sts:GetFederationToken"))
    assert h.call("GetAccessKeyInfo", {"AccessKeyId": key}, caller=reader, service="sts") == {"Account": ACCOUNT}
    session = h.call("GetFederationToken", {"Name": "fed"}, caller=reader, service="sts")
    temporary = session["Credentials"]["AccessKeyId"]
    assert h.call("GetAccessKeyInfo", {"AccessKeyId": temporary}, caller=reader, service="sts") == {"Account": ACCOUNT}
    foreign = h.call("GetAccessKeyInfo", {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}, caller=reader, service="sts")
    assert foreign == {"Account": "581039954779"}
    with pytest.raises(InvalidParameterValue):
        h.call("GetAccessKeyInfo", {"AccessKeyId": "AKIA0000000000000000"}, caller=reader, service="sts")


def test_needs_sts_get_access_key_info(h: Harness) -> None:
    nobody = user(h, "nobody")
    with pytest.raises(AccessDenied) as caught:
        h.call("GetAccessKeyInfo", {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE"}, caller=nobody, service="sts")
    assert caught.value.message == (
        f"User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: sts:GetAccessKeyInfo "
        "because no identity-based policy allows the sts:GetAccessKeyInfo action")
