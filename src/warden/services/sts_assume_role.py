"""STS AssumeRole: the caller's identity policies and the role's trust policy both decide, then
temporary credentials for a role session are sealed into a session token.

https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html (role chaining)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from warden.errors import AccessDenied, ValidationError
from warden.services.call import Call
from warden.services.caller import Caller, CallerKind
from warden.services.mfa_codes import mfa_requested, verify_caller_mfa
from warden.services.session_policies import session_policies
from warden.services.session_tags import (
    authorize_session_attributes,
    check_source_identity,
    merge_principal_tags,
    requested_session_tags,
)
from warden.services.sessions import issue_session

__all__ = ["assume_role"]

_ROLE_ARN = re.compile(r"^arn:([a-z-]+):iam::(\d{12}):role/(?:[^/]+/)*([\w+=,.@-]+)$")
_CHAINED_MAX = 3600
# AWS's answer to the root user, before any policy is consulted: the API reference says root
# credentials cannot call AssumeRole; the text is STS's own, as quoted in
# https://github.com/kubeflow/testing/pull/961.
_ROOT_REFUSED = "Roles may not be assumed by root accounts."


def _denied(call: Call, role_arn: str) -> AccessDenied:
    return AccessDenied(
        f"User: {call.caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )


def assume_role(call: Call, params: dict[str, Any]) -> Mapping[str, Any]:
    if call.caller.kind is CallerKind.ROOT and not call.services.mock:
        # Mock mode checks no permissions, and its stand-in for unknown keys is the root user:
        # code under test that assumes roles (as it may under moto) must get a session.
        raise AccessDenied(_ROOT_REFUSED)
    role_arn, session_name = params["RoleArn"], params["RoleSessionName"]
    matched = _ROLE_ARN.match(role_arn)
    role = call.tx.get_role(matched.group(2), matched.group(3)) if matched else None
    context: dict[str, str | tuple[str, ...]] = {"sts:RoleSessionName": session_name}
    if params.get("ExternalId") is not None:
        context["sts:ExternalId"] = params["ExternalId"]
    if params.get("SourceIdentity"):
        context["sts:SourceIdentity"] = params["SourceIdentity"]
    if role is None or matched is None:
        # AWS never says whether a role exists.
        call.authorize("sts:AssumeRole", role_arn, context=context)
        raise _denied(call, role_arn)
    tags = requested_session_tags(params, call.caller)
    with_mfa = mfa_requested(params.get("SerialNumber"), params.get("TokenCode"))
    if with_mfa:
        # Decide as if the code were good, then check it: a refused code is still counted.
        context.update({"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "0"})
    call.authorize(
        "sts:AssumeRole",
        role.arn,
        context=context,
        resource_tags=role.tags,
        resource_policy=role.assume_role_policy_document,
        resource_account=role.account_id,
    )
    if with_mfa:
        verify_caller_mfa(call, params["SerialNumber"], params["TokenCode"])
    source_identity = check_source_identity(params, call.caller)
    authorize_session_attributes(call, role, context, tags, source_identity)
    chained = call.caller.kind is CallerKind.ASSUMED_ROLE
    duration = int(params.get("DurationSeconds", 3600))
    if chained and duration > _CHAINED_MAX:
        raise ValidationError(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
        )
    if duration > role.max_session_duration:
        raise ValidationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    policies, packed = session_policies(call, params, role.account_id, tag_bytes=tags.packed_bytes)
    session_arn = f"arn:{call.partition}:sts::{role.account_id}:assumed-role/{role.name}/{session_name}"
    assumed_id = f"{role.role_id}:{session_name}"
    session_caller = Caller(
        kind=CallerKind.ASSUMED_ROLE,
        arn=session_arn,
        account_id=role.account_id,
        principal_id=assumed_id,
        access_key_id=None,
        role_arn=role.arn,
        role_name=role.name,
        session_name=session_name,
        mfa_authenticated=with_mfa or call.caller.mfa_authenticated,
        mfa_authenticated_at=call.now if with_mfa else call.caller.mfa_authenticated_at,
        session_policies=tuple(policies),
        source_identity=source_identity,
        tags=merge_principal_tags(((t.key, t.value) for t in role.tags), tags),
        transitive_tag_keys=tags.transitive_keys,
    )
    session = issue_session(
        session_caller, call.services.ids, call.services.tokens, now=call.now, duration_seconds=duration
    )
    call.tx.record_role_use(role.role_id, call.now, call.meta.region)
    result: dict[str, Any] = {
        "Credentials": session.credentials(),
        "AssumedRoleUser": {"AssumedRoleId": assumed_id, "Arn": session_arn},
    }
    if policies or tags.passed:
        result["PackedPolicySize"] = packed
    if source_identity:
        result["SourceIdentity"] = source_identity
    return result
