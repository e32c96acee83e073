"""STS DecodeAuthorizationMessage: read the details of a denial that warden encoded.

Where warden hands out encoded messages: AWS IAM and STS never add one to their AccessDenied
texts (only some services, such as EC2, append "Encoded authorization failure message: ..."), so
warden keeps every AccessDenied message exactly as AWS words it and returns the encoded message
of a denial made by the policy engine in the `x-warden-encoded-authorization-message` response
header instead, where AWS SDKs ignore it and tools can pick it up.
https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.auth.authorization_messages import InvalidAuthorizationMessage, open_authorization_message
from warden.errors import InvalidAuthorizationMessageException
from warden.services.call import Call

__all__ = ["ENCODED_MESSAGE_HEADER", "decode_authorization_message"]

ENCODED_MESSAGE_HEADER = "x-warden-encoded-authorization-message"


def decode_authorization_message(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    # The action has no resource type in the Service Authorization Reference: "*".
    call.authorize("sts:DecodeAuthorizationMessage", "*")
    try:
        decoded = open_authorization_message(params["EncodedMessage"], call.services.authorization_messages)
    except InvalidAuthorizationMessage:
        raise InvalidAuthorizationMessageException(
            "The encoded message is not valid: it was not produced by this service or was altered."
        ) from None
    return {"DecodedMessage": decoded}
