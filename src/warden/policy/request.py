"""The authorization request: the spec's JSON object, checked and normalised once.

Normalising up front (context keys lowercased, values as `str` or
`tuple[str, ...]`, keys AWS derives from the caller filled in) keeps `decide()`
free of per-call string work. See /work/shared/spec/authorization-request.md and
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from .errors import InvalidAuthorizationRequest
from .principals import Caller, CallerKind, parse_caller

__all__ = ["TRUST_ACTIONS", "Context", "Request", "normalise_context"]

Context = Mapping[str, "str | tuple[str, ...]"]

# Actions authorized against a role's trust policy rather than an ordinary resource policy.
TRUST_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
    }
)
_WEB_IDENTITY_ACTIONS = frozenset({"sts:assumerolewithsaml", "sts:assumerolewithwebidentity"})
_ACTION_RE = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9_.-]+$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_ARN_ACCOUNT_RE = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:(\d{12}):")
_KNOWN_FIELDS = frozenset(
    {"id", "principal", "action", "resource", "resource_account", "context", "policies"}
)


@dataclass(frozen=True, slots=True)
class Request:
    """One question: may `caller` perform `action` on `resource` in this context?"""

    id: str | None
    caller: Caller
    action: str  # as given
    action_key: str  # lowercased, the form the compiled index uses
    resource: str
    resource_account: str | None
    context: Mapping[str, str | tuple[str, ...]]

    @property
    def principal(self) -> str:
        return self.caller.arn

    @property
    def is_trust_action(self) -> bool:
        """Role assumption is authorized against the role's trust policy. sts:TagSession on
        anything but a role (GetFederationToken's federated user) is an ordinary identity-policy
        action: there is no trust policy to grant it."""
        return self.action_key in TRUST_ACTIONS and ":role/" in self.resource

    @property
    def cross_account(self) -> bool:
        """The caller's account differs from the resource's (both known)."""
        account = self.caller.account
        return account is not None and self.resource_account is not None and account != self.resource_account

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, now: datetime | None = None) -> Request:
        """Check a request object (spec format) and derive what AWS derives.

        `now` fills aws:CurrentTime and aws:EpochTime unless the context gives
        them; without it those keys are simply absent.
        """
        if not isinstance(data, Mapping):
            raise InvalidAuthorizationRequest("request", "must be a JSON object")
        for name in data:
            if name not in _KNOWN_FIELDS:
                raise InvalidAuthorizationRequest(str(name), "is not a field of an authorization request")
        request_id = data.get("id")
        if request_id is not None and not isinstance(request_id, str):
            raise InvalidAuthorizationRequest("id", "must be a string")
        action = data.get("action")
        if not isinstance(action, str) or not _ACTION_RE.match(action):
            raise InvalidAuthorizationRequest("action", f"must be service:Action, got {action!r}")
        action_key = action.lower()
        resource = data.get("resource")
        if not isinstance(resource, str) or not resource:
            raise InvalidAuthorizationRequest("resource", "must be an ARN or *")
        context = normalise_context(data.get("context"))
        principal_arn = context.get("aws:principalarn")
        caller = _caller(
            data.get("principal"),
            action_key in _WEB_IDENTITY_ACTIONS,
            principal_arn if isinstance(principal_arn, str) else None,
        )
        resource_account = _resource_account(data.get("resource_account"), resource, caller)
        _derive(context, caller, now)
        return cls(request_id, caller, action, action_key, resource, resource_account, context)


def _caller(principal: Any, web_identity: bool, principal_arn: str | None) -> Caller:
    """`parse_caller`, remembered for the principals seen lately: a server asks about the same
    few callers again and again, and a parsed `Caller` is immutable."""
    if type(principal) is not str:
        return parse_caller(principal, web_identity=web_identity, principal_arn=principal_arn)
    return _parsed_caller(principal, web_identity, principal_arn)


@lru_cache(maxsize=1024)
def _parsed_caller(principal: str, web_identity: bool, principal_arn: str | None) -> Caller:
    return parse_caller(principal, web_identity=web_identity, principal_arn=principal_arn)


def _resource_account(given: Any, resource: str, caller: Caller) -> str | None:
    if given is not None:
        if not isinstance(given, str) or not _ACCOUNT_RE.match(given):
            raise InvalidAuthorizationRequest("resource_account", "must be a 12-digit account id")
        return given
    match = _ARN_ACCOUNT_RE.match(resource)
    if match is not None:
        return match.group(1)
    return caller.account


def _scalar(value: Any, field: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    raise InvalidAuthorizationRequest(field, "must be a string or a list of strings")


def normalise_context(raw: Any) -> dict[str, str | tuple[str, ...]]:
    """Lowercase the keys; keep strings as `str` and JSON lists as `tuple[str, ...]`."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidAuthorizationRequest("context", "must be a JSON object")
    context: dict[str, str | tuple[str, ...]] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key:
            raise InvalidAuthorizationRequest("context", "keys must be non-empty strings")
        lowered = key.lower()
        if lowered in context:
            raise InvalidAuthorizationRequest(
                f"context.{key}", "is given twice (context keys are case-insensitive)"
            )
        if type(value) is str:  # the common case, checked first
            context[lowered] = value
        elif isinstance(value, (list, tuple)):
            context[lowered] = tuple(_scalar(item, f"context.{key}") for item in value)
        else:
            context[lowered] = _scalar(value, f"context.{key}")
    return context


def _derive(context: dict[str, str | tuple[str, ...]], caller: Caller, now: datetime | None) -> None:
    """Fill the global keys AWS takes from the caller and the clock, unless given."""
    derived: dict[str, str] = {}
    if caller.is_iam:
        derived["aws:principaltype"] = caller.kind.value
        derived["aws:principalisawsservice"] = "false"
        if caller.account is not None:
            derived["aws:principalaccount"] = caller.account
        derived["aws:principalarn"] = caller.role_arns[0] if caller.role_arns else caller.arn
        if caller.kind is CallerKind.USER and caller.name is not None:
            derived["aws:username"] = caller.name
    elif caller.kind is CallerKind.SERVICE:
        derived["aws:principalisawsservice"] = "true"
        derived["aws:principalservicename"] = caller.arn
    if now is not None:
        moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
        derived["aws:currenttime"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        derived["aws:epochtime"] = str(int(moment.timestamp()))
    for key, value in derived.items():
        context.setdefault(key, value)
