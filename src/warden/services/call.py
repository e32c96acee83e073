"""One API call as a handler sees it: who is calling, the open transaction, and the authorizer.

A handler must authorize exactly once (`Call.authorize`) before it reads or changes anything on
the caller's behalf; the pipeline refuses to answer for a handler that did not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from warden.model import Tag
from warden.policy.arn import Arn

if TYPE_CHECKING:
    from warden.store import Transaction

from warden.services.caller import Caller

__all__ = ["Call", "CallAuthorizer", "RequestMeta", "Services"]

# The resource types whose tags AWS also offers as `iam:ResourceTag/*` (IAM's and STS's user and
# role types; instance profiles, policies and MFA devices carry only `aws:ResourceTag/*`).
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html#awsidentityandaccessmanagementiam-resources-for-iam-policies
_IAM_RESOURCE_TAG_TYPES = frozenset({"user", "role"})


@dataclass(frozen=True, slots=True)
class RequestMeta:
    """Facts about the HTTP request that policies may test (`aws:SourceIp`, ...)."""

    request_id: str
    received_at: datetime
    source_ip: str
    user_agent: str
    secure_transport: bool
    region: str


class CallAuthorizer(Protocol):
    def authorize(
        self,
        call: Call,
        action: str,
        resource: str,
        context: Mapping[str, str | tuple[str, ...]],
        resource_policy: str | None,
        resource_account: str | None = None,
    ) -> None: ...


class Services(Protocol):
    """What handlers may use besides the transaction: the server's long-lived parts."""

    @property
    def partition(self) -> str: ...

    @property
    def authorizer(self) -> CallAuthorizer: ...

    @property
    def ids(self) -> Any: ...

    @property
    def secrets(self) -> Any: ...

    @property
    def passwords(self) -> Any: ...

    @property
    def mock(self) -> bool: ...

    @property
    def tokens(self) -> Any: ...

    @property
    def authorization_messages(self) -> Any: ...

    @property
    def access_reports(self) -> Any: ...


@dataclass(slots=True)
class Call:
    caller: Caller
    meta: RequestMeta
    tx: Transaction
    services: Services
    authorized_action: str | None = field(default=None)

    @property
    def account_id(self) -> str:
        return self.caller.account_id

    @property
    def partition(self) -> str:
        return self.services.partition

    @property
    def now(self) -> datetime:
        return self.meta.received_at

    def iam_arn(self, kind: str, path: str, name: str) -> str:
        """`arn:PARTITION:iam::ACCOUNT:KIND/PATH/NAME` for an entity of the caller's account."""
        return f"arn:{self.partition}:iam::{self.account_id}:{kind}{path}{name}"

    def authorize(
        self,
        action: str,
        resource: str,
        *,
        context: Mapping[str, str | tuple[str, ...]] | None = None,
        resource_tags: tuple[Tag, ...] = (),
        resource_policy: str | None = None,
        resource_account: str | None = None,
    ) -> None:
        """Ask the engine; raises AccessDenied. `resource_tags` become `aws:ResourceTag/*`, and
        also `iam:ResourceTag/*` when the resource is an IAM user or role; `resource_account`
        (default: the caller's) makes a request cross-account."""
        merged: dict[str, str | tuple[str, ...]] = dict(context or {})
        if resource_tags:
            iam_too = _is_iam_user_or_role(resource)
            for tag in resource_tags:
                merged.setdefault(f"aws:ResourceTag/{tag.key}", tag.value)
                if iam_too:
                    merged.setdefault(f"iam:ResourceTag/{tag.key}", tag.value)
        self.services.authorizer.authorize(
            self, action, resource, merged, resource_policy, resource_account
        )
        self.authorized_action = action

    def no_authorization_required(self, action: str) -> None:
        """For the few calls AWS answers whatever the policies say (sts:GetCallerIdentity)."""
        self.authorized_action = action


def _is_iam_user_or_role(resource: str) -> bool:
    arn = Arn.try_parse(resource)
    return arn is not None and arn.service == "iam" and arn.resource_type in _IAM_RESOURCE_TAG_TYPES
