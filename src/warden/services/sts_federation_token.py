"""STS GetFederationToken: temporary credentials for a federated user, whose permissions are the
intersection of the calling IAM user's policies and the session policies passed in the request.

https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_request.html#api_getfederationtoken
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from warden.errors import AccessDenied
from warden.services.call import Call
from warden.services.caller import Caller, CallerKind
from warden.services.session_policies import session_policies
from warden.services.session_tags import merge_principal_tags, requested_session_tags
from warden.services.sessions import issue_session

__all__ = ["NO_PERMISSIONS", "get_federation_token"]

_DEFAULT_DURATION = 43200
_ROOT_MAX_DURATION = 3600

# AWS: without a session policy the federated user has no permissions. A session policy that
# allows no action expresses exactly that to the engine (NotAction "*" matches nothing).
NO_PERMISSIONS = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "*", "Resource": "*"}]},
    separators=(",", ":"),
)


def get_federation_token(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    caller = call.caller
    name = params["Name"]
    federated_arn = f"arn:{call.partition}:sts::{call.account_id}:federated-user/{name}"
    if caller.kind not in (CallerKind.USER, CallerKind.ROOT) or caller.token_issued_at is not None:
        # Only long-term keys of an IAM user (or, not recommended, the root user) may federate.
        raise AccessDenied("Cannot call GetFederationToken with session credentials")
    tags = requested_session_tags(params, caller)
    call.authorize("sts:GetFederationToken", federated_arn)
    if tags.any:
        call.authorize("sts:TagSession", federated_arn, context=tags.tag_session_context())
    duration = int(params.get("DurationSeconds", _DEFAULT_DURATION))
    if caller.is_root:
        duration = min(duration, _ROOT_MAX_DURATION)  # AWS caps root's federation sessions at 1 hour
    policies, packed = session_policies(call, params, call.account_id, tag_bytes=tags.packed_bytes)
    federated_id = f"{call.account_id}:{name}"
    session_caller = Caller(
        kind=CallerKind.FEDERATED_USER,
        arn=federated_arn,
        account_id=call.account_id,
        principal_id=federated_id,
        access_key_id=None,
        name=None if caller.is_root else caller.name,
        session_name=name,
        tags=merge_principal_tags(caller.tags, tags),
        session_policies=tuple(policies) if policies else (NO_PERMISSIONS,),
    )
    session = issue_session(
        session_caller, call.services.ids, call.services.tokens, now=call.now, duration_seconds=duration
    )
    result: dict[str, Any] = {
        "Credentials": session.credentials(),
        "FederatedUser": {"FederatedUserId": federated_id, "Arn": federated_arn},
    }
    if policies or tags.passed:
        result["PackedPolicySize"] = packed
    return result
