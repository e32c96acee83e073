"""Session policies of a temporary session (inline `Policy` and managed `PolicyArns`), and AWS's
PackedPolicySize, shared by AssumeRole and GetFederationToken.

https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from warden.errors import PackedPolicyTooLarge, ValidationError
from warden.policy import PolicyKind
from warden.services.call import Call
from warden.services.effective_policies import managed_policy_document
from warden.services.iam.policy_text import checked_policy
from warden.services.partition_arns import stored_policy_arn

__all__ = ["session_policies"]

_PACKED_LIMIT = 2048


def session_policies(
    call: Call, params: Mapping[str, Any], account_id: str, *, tag_bytes: int = 0
) -> tuple[list[str], int]:
    """The session policy texts (inline first, then managed by ARN) and AWS's PackedPolicySize, a
    percentage of the packed limit that session policies and session tags (`tag_bytes`) share."""
    texts: list[str] = []
    packed = tag_bytes
    inline = params.get("Policy")
    if inline:
        checked_policy(inline, PolicyKind.SESSION)
        compact = json.dumps(json.loads(inline), separators=(",", ":"))
        texts.append(compact)
        packed += len(compact)
    for entry in params.get("PolicyArns") or ():
        arn = entry["arn"]
        document = managed_policy_document(
            call.tx, account_id, stored_policy_arn(arn, call.partition), call.partition
        )
        if document is None:
            raise ValidationError(f"Policy {arn} does not exist or is not attachable.")
        texts.append(document)
        packed += len(arn)
    percent = math.ceil(100 * packed / _PACKED_LIMIT) if packed else 0
    if percent > 100:
        raise PackedPolicyTooLarge(
            f"Packed policy consumes {percent}% of allotted space, please use smaller policy."
        )
    return texts, percent
