"""The decoded form of an encoded authorization message, in the structure AWS documents for
STS DecodeAuthorizationMessage: whether the request was allowed, whether an explicit deny decided
it, the statements that matched, and the request context (principal, action, resource and the
condition keys with their values).

https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from warden.auth.authorization_messages import seal_authorization_message
from warden.auth.tokens import TokenKeyring
from warden.policy import Decision, Effect
from warden.services.caller import Caller

__all__ = ["MAX_ENCODED_LENGTH", "decoded_denial", "encode_denial"]

# The longest EncodedMessage DecodeAuthorizationMessage accepts.
MAX_ENCODED_LENGTH = 10240


def _items(values: list[Any]) -> dict[str, list[Any]]:
    return {"items": values}


def decoded_denial(
    caller: Caller,
    action: str,
    resource: str,
    context: Mapping[str, str | tuple[str, ...]],
    decision: Decision,
    *,
    with_conditions: bool = True,
) -> dict[str, Any]:
    """The decoded message for `decision` (made in explain mode, so `matched` is filled in)."""
    principal: dict[str, str] = {"id": caller.principal_id, "arn": caller.arn}
    name = caller.name or caller.session_name
    if name:
        principal["name"] = name
    matched = [
        {
            "statementId": statement.sid or "",
            "effect": statement.effect.value.upper(),
            "policyType": statement.policy_type,
            "policyIndex": statement.policy_index,
            "statementIndex": statement.statement_index,
        }
        for statement in decision.matched
        if not decision.allowed and statement.effect is Effect.DENY
    ]
    conditions = []
    if with_conditions:
        for key in sorted(context):
            value = context[key]
            values = list(value) if isinstance(value, tuple) else [value]
            conditions.append({"key": key, "values": _items([{"value": v} for v in values])})
    return {
        "allowed": decision.allowed,
        "explicitDeny": decision.outcome.value == "explicitDeny",
        "matchedStatements": _items(matched),
        "failures": _items([]),
        "context": {
            "principal": principal,
            "action": action,
            "resource": resource,
            "conditions": _items(conditions),
        },
    }


def encode_denial(
    keyring: TokenKeyring,
    caller: Caller,
    action: str,
    resource: str,
    context: Mapping[str, str | tuple[str, ...]],
    decision: Decision,
) -> str:
    """The sealed message; the condition values are left out if they would make it too long to
    decode (DecodeAuthorizationMessage takes at most 10,240 characters)."""
    sealed = seal_authorization_message(decoded_denial(caller, action, resource, context, decision), keyring)
    if len(sealed) <= MAX_ENCODED_LENGTH:
        return sealed
    body = decoded_denial(caller, action, resource, context, decision, with_conditions=False)
    return seal_authorization_message(body, keyring)
