"""AWS STS (2011-06-15): GetCallerIdentity, AssumeRole, GetFederationToken, GetAccessKeyInfo and
DecodeAuthorizationMessage.

https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.services.call import Call
from warden.services.dispatch import Handler
from warden.services.sts_access_key_info import get_access_key_info
from warden.services.sts_assume_role import assume_role
from warden.services.sts_decode_message import decode_authorization_message
from warden.services.sts_federation_token import get_federation_token
from warden.services.sts_session_token import get_session_token

__all__ = ["HANDLERS"]


def get_caller_identity(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    # AWS: "No permissions are required to perform this operation"; even an explicit deny
    # does not stop it.
    call.no_authorization_required("sts:GetCallerIdentity")
    return {
        "UserId": call.caller.principal_id,
        "Account": call.account_id,
        "Arn": call.caller.arn,
    }


HANDLERS: dict[str, Handler] = {
    "GetCallerIdentity": get_caller_identity,
    "AssumeRole": assume_role,
    "GetFederationToken": get_federation_token,
    "GetAccessKeyInfo": get_access_key_info,
    "DecodeAuthorizationMessage": decode_authorization_message,
    "GetSessionToken": get_session_token,
}
