"""Who is calling: the authenticated principal behind one request, as the services see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warden.model import User

__all__ = ["Caller", "CallerKind"]


class CallerKind(str, Enum):
    """The principal types of CloudTrail's `userIdentity.type` and `aws:PrincipalType`."""

    ROOT = "Root"
    USER = "IAMUser"
    ASSUMED_ROLE = "AssumedRole"
    FEDERATED_USER = "FederatedUser"


@dataclass(frozen=True, slots=True)
class Caller:
    """An authenticated principal.

    `arn` is what policies and error messages name; `principal_id` is `aws:userid`
    (the account id for root, AIDA... for a user, AROA...:session for a role session).
    `name` is the user name (users only; `aws:username`). `role_arn` and `role_name` are set for
    role sessions, whose identity policies are the role's. `session_policies` are the policy
    documents (JSON text) that intersect a temporary session's permissions.
    For a federated user (GetFederationToken), `name` is the IAM user whose policies it inherits
    (None when the root user federated). `transitive_tag_keys` are the keys of `tags` that pass on
    to the next session of a role chain.
    """

    kind: CallerKind
    arn: str
    account_id: str
    principal_id: str
    access_key_id: str | None
    name: str | None = None
    role_arn: str | None = None
    role_name: str | None = None
    session_name: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    mfa_authenticated: bool = False
    mfa_authenticated_at: datetime | None = None
    token_issued_at: datetime | None = None
    session_policies: tuple[str, ...] = field(default=())
    source_identity: str | None = None
    transitive_tag_keys: tuple[str, ...] = ()

    @classmethod
    def of_user(
        cls,
        user: User,
        access_key_id: str | None,
        *,
        mfa_authenticated: bool = False,
        mfa_authenticated_at: datetime | None = None,
    ) -> Caller:
        """An IAM user as a caller: its ARN, id, name and tags (`aws:PrincipalTag/*`), and for a
        session the MFA it was created with."""
        return cls(
            kind=CallerKind.USER,
            arn=user.arn,
            account_id=user.account_id,
            principal_id=user.user_id,
            access_key_id=access_key_id,
            name=user.name,
            tags=tuple((t.key, t.value) for t in user.tags),
            mfa_authenticated=mfa_authenticated,
            mfa_authenticated_at=mfa_authenticated_at,
        )

    @property
    def is_root(self) -> bool:
        return self.kind is CallerKind.ROOT

    @property
    def principal_type(self) -> str:
        """`aws:PrincipalType` as AWS sets it."""
        return {
            CallerKind.ROOT: "Account",
            CallerKind.USER: "User",
            CallerKind.ASSUMED_ROLE: "AssumedRole",
            CallerKind.FEDERATED_USER: "FederatedUser",
        }[self.kind]

    @property
    def principal_arn(self) -> str:
        """`aws:PrincipalArn`: the role's ARN for a role session, otherwise the caller's ARN."""
        return self.role_arn if self.role_arn is not None else self.arn
