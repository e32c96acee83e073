"""The spec's whole round trip: request object in, answer object out.

This is the one place in the engine that may read the clock, and only when
the caller does not pass `now` (the spec says aws:CurrentTime defaults to now).
Spec: /work/shared/spec/authorization-request.md
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .ast import Policy, PolicyKind
from .compile import PolicySet, compile_policy_set
from .decision import Decision, decide
from .errors import InvalidAuthorizationRequest, MalformedPolicyDocument, PolicyError
from .parser import parse_policy
from .request import Request

__all__ = ["answer", "authorize", "error_answer", "policy_set_from_dict"]

_SINGLE = {"permissions_boundary": PolicyKind.PERMISSIONS_BOUNDARY, "session": PolicyKind.SESSION}
_FIELDS = frozenset({"identity", "permissions_boundary", "session", "resource", "scps", "rcps"})


def _parse(document: Any, kind: PolicyKind, field: str) -> Policy:
    if not isinstance(document, (Mapping, str)):
        raise InvalidAuthorizationRequest(field, "must be a policy document (a JSON object)")
    try:
        return parse_policy(document, kind)
    except MalformedPolicyDocument as exc:
        where = f" at {exc.position}" if exc.position is not None and exc.position.path else ""
        raise InvalidAuthorizationRequest(field, f"{exc.message}{where}") from exc


def _list(raw: Any, field: str) -> Sequence[Any]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidAuthorizationRequest(field, "must be a list")
    return raw


def _levels(raw: Any, field: str, kind: PolicyKind) -> tuple[tuple[Policy, ...], ...]:
    levels = []
    for number, level in enumerate(_list(raw, field)):
        where = f"{field}[{number}]"
        policies = _list(level, where)
        levels.append(tuple(_parse(doc, kind, f"{where}[{i}]") for i, doc in enumerate(policies)))
    return tuple(levels)


def policy_set_from_dict(raw: Any, *, trust: bool = False) -> PolicySet:
    """Parse the request's `policies` member. `trust` parses `resource` as a role trust policy."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise InvalidAuthorizationRequest("policies", "must be a JSON object")
    for name in raw:
        if name not in _FIELDS:
            raise InvalidAuthorizationRequest(f"policies.{name}", "is not a policy type")
    identity = tuple(
        _parse(doc, PolicyKind.IDENTITY, f"policies.identity[{i}]")
        for i, doc in enumerate(_list(raw.get("identity"), "policies.identity"))
    )
    singles: dict[str, Policy | None] = {}
    for name, kind in _SINGLE.items():
        doc = raw.get(name)
        singles[name] = None if doc is None else _parse(doc, kind, f"policies.{name}")
    resource_doc = raw.get("resource")
    resource_kind = PolicyKind.TRUST if trust else PolicyKind.RESOURCE
    resource = None if resource_doc is None else _parse(resource_doc, resource_kind, "policies.resource")
    return PolicySet(
        identity=identity,
        permissions_boundary=singles["permissions_boundary"],
        session=singles["session"],
        resource=resource,
        scps=_levels(raw.get("scps"), "policies.scps", PolicyKind.SCP),
        rcps=_levels(raw.get("rcps"), "policies.rcps", PolicyKind.RCP),
    )


def answer(request: Request, decision: Decision) -> dict[str, Any]:
    """The spec's answer object for a decision made in explain mode."""
    return {
        "id": request.id,
        "decision": decision.outcome.value,
        "matched_statements": [m.to_dict() for m in decision.matched],
        "missing_context_values": list(decision.missing_context_values),
        "details": dict(decision.details or {}),
        "reason": decision.reason,
    }


def error_answer(error: PolicyError, request_id: Any = None) -> dict[str, Any]:
    """The error object for a request that could not be decided."""
    field = error.field if isinstance(error, InvalidAuthorizationRequest) else "policies"
    message = (
        error.message
        if isinstance(error, (InvalidAuthorizationRequest, MalformedPolicyDocument))
        else str(error)
    )
    return {
        "id": request_id if isinstance(request_id, str) else None,
        "error": {"field": field, "message": message},
    }


def authorize(request: Mapping[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """Decide one spec request object; raises `InvalidAuthorizationRequest` when it is malformed."""
    parsed = Request.from_dict(request, now=now if now is not None else datetime.now(UTC))
    policy_set = policy_set_from_dict(request.get("policies"), trust=parsed.is_trust_action)
    return answer(parsed, decide(parsed, compile_policy_set(policy_set), explain=True))
