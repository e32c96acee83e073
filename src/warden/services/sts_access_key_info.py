"""STS GetAccessKeyInfo: the account an access key id belongs to.

A long-term key warden holds answers from the store, whatever its status; any other id (warden's
own ASIA session keys, keys of other systems) answers with the account its AWS-format id encodes,
as AWS does. https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.auth.key_ids import account_of_key_id
from warden.errors import InvalidParameterValue
from warden.services.call import Call

__all__ = ["get_access_key_info"]

_PREFIXES = ("AKIA", "ASIA")


def get_access_key_info(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    key_id = params["AccessKeyId"]
    # The action has no resource type in the Service Authorization Reference: "*".
    call.authorize("sts:GetAccessKeyInfo", "*")
    stored = call.tx.get_access_key(key_id) if key_id.startswith("AKIA") else None
    if stored is not None:
        return {"Account": stored.account_id}
    account = account_of_key_id(key_id) if key_id.startswith(_PREFIXES) else None
    if account is None:
        raise InvalidParameterValue(f"The access key ID {key_id} does not exist.")
    return {"Account": account}
