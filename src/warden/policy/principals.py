"""Who is calling, and whether a `Principal` / `NotPrincipal` element names them.

AWS reasons about a caller as a set of identities: a role session is the
session ARN, the role it belongs to, and the account; an IAM user is the user
ARN and the account. A `Principal` element applies when it names any of them,
and *how* it names the caller matters to the decision (a grant naming the
session is not limited by a permissions boundary, a grant naming the role is,
a grant naming only the account delegates to the account's identity policies).
A `NotPrincipal` element exempts the caller only when it names every one of
them (hence AWS's advice to list the session, the role and the account).

Sources:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, IntEnum

from .ast import PrincipalSpec
from .errors import InvalidAuthorizationRequest

__all__ = [
    "Caller",
    "CallerKind",
    "Grant",
    "not_principal_applies",
    "parse_caller",
    "principal_grant",
]

_ACCOUNT_RE = re.compile(r"^\d{12}$")
_ARN_RE = re.compile(r"^arn:([^:]+):([^:]+):([^:]*):(\d{12}):(.+)$")
_PROVIDER_RE = re.compile(r"^arn:[^:]+:iam::\d{12}:(saml-provider|oidc-provider)/.+$")


class CallerKind(str, Enum):
    """The caller's type; the values are AWS's `aws:PrincipalType` where one exists."""

    ACCOUNT = "Account"  # the account root user
    USER = "User"
    ASSUMED_ROLE = "AssumedRole"
    FEDERATED_USER = "FederatedUser"
    SERVICE = "Service"  # an AWS service principal such as ec2.amazonaws.com
    WEB_IDENTITY = "WebIdentity"  # a SAML or OIDC identity provider calling AssumeRoleWith*


class Grant(IntEnum):
    """How strongly a `Principal` element names the caller; higher wins."""

    NONE = 0
    ACCOUNT = 1  # names only the caller's account: delegation to its identity policies
    ROLE = 2  # names the role of a role session: limited by boundary and session policy
    DIRECT = 3  # names the caller itself (user, session, federated user, service, provider, "*")


@dataclass(frozen=True, slots=True)
class Caller:
    """A parsed caller ARN (or service / provider name) with the identities it stands for."""

    arn: str
    kind: CallerKind
    partition: str | None
    account: str | None
    name: str | None  # user name, role name, federated user name, service or provider
    session_name: str | None
    role_arns: tuple[str, ...]  # ARNs of the role of a session (with and without a known path)
    service_linked: bool

    @property
    def is_iam(self) -> bool:
        """Users, sessions, federated users and the root user belong to an account and can hold policies."""
        return self.kind in (
            CallerKind.ACCOUNT,
            CallerKind.USER,
            CallerKind.ASSUMED_ROLE,
            CallerKind.FEDERATED_USER,
        )


def parse_caller(text: str, *, web_identity: bool = False, principal_arn: str | None = None) -> Caller:
    """Parse the request's `principal`.

    `web_identity` says the action is AssumeRoleWithSAML/WebIdentity, where a
    bare host name (`accounts.google.com`, `cognito-identity.amazonaws.com`)
    is an identity provider rather than a service. `principal_arn` is the
    caller-supplied `aws:PrincipalArn` if any: for a role session it carries
    the role's path, which the session ARN does not.
    """
    if not isinstance(text, str) or not text:
        raise InvalidAuthorizationRequest("principal", "must be a non-empty string")
    if _PROVIDER_RE.match(text):
        return _provider(text, account=text.split(":")[4], partition=text.split(":")[1])
    match = _ARN_RE.match(text)
    if match is None:
        if text.startswith("arn:") or "." not in text or any(c in text for c in " /:*"):
            raise InvalidAuthorizationRequest("principal", f"unrecognised principal {text!r}")
        if web_identity:
            return _provider(text, account=None, partition=None)
        return Caller(text, CallerKind.SERVICE, None, None, text, None, (), False)
    partition, service, region, account, resource = match.groups()
    if region:
        raise InvalidAuthorizationRequest("principal", f"unrecognised principal {text!r}")
    if service == "iam" and resource == "root":
        return Caller(text, CallerKind.ACCOUNT, partition, account, None, None, (), False)
    if service == "iam" and resource.startswith("user/"):
        name = resource.rsplit("/", 1)[1]
        if name:
            return Caller(text, CallerKind.USER, partition, account, name, None, (), False)
    if service == "sts" and resource.startswith("assumed-role/"):
        parts = resource.split("/")
        if len(parts) == 3 and parts[1] and parts[2]:
            return _session(text, partition, account, parts[1], parts[2], principal_arn)
    if service == "sts" and resource.startswith("federated-user/"):
        name = resource[len("federated-user/") :]
        if name:
            return Caller(text, CallerKind.FEDERATED_USER, partition, account, name, None, (), False)
    raise InvalidAuthorizationRequest("principal", f"unrecognised principal {text!r}")


def _provider(text: str, *, account: str | None, partition: str | None) -> Caller:
    return Caller(text, CallerKind.WEB_IDENTITY, partition, account, text, None, (), False)


def _session(
    text: str, partition: str, account: str, role: str, session: str, principal_arn: str | None
) -> Caller:
    plain = f"arn:{partition}:iam::{account}:role/{role}"
    role_arns: tuple[str, ...] = (plain,)
    if (
        principal_arn
        and principal_arn.startswith(f"arn:{partition}:iam::{account}:role/")
        and principal_arn.rsplit("/", 1)[1] == role
    ):
        role_arns = (principal_arn,) if principal_arn == plain else (principal_arn, plain)
    # Service-linked roles live under the /aws-service-role/ path and are named AWSServiceRoleFor*.
    linked = role.startswith("AWSServiceRoleFor") or any(":role/aws-service-role/" in a for a in role_arns)
    return Caller(text, CallerKind.ASSUMED_ROLE, partition, account, role, session, role_arns, linked)


def _names_account(value: str, caller: Caller) -> bool:
    if caller.account is None:
        return False
    if _ACCOUNT_RE.match(value):
        return value == caller.account
    return value == f"arn:{caller.partition}:iam::{caller.account}:root"


def _aws_value_grant(value: str, caller: Caller) -> Grant:
    """How one `AWS` principal value names the caller."""
    if value == "*":
        return Grant.DIRECT
    if not caller.is_iam:
        return Grant.NONE
    if value == caller.arn and caller.kind is not CallerKind.ACCOUNT:
        return Grant.DIRECT
    if value in caller.role_arns:
        return Grant.ROLE
    if _names_account(value, caller):
        return Grant.ACCOUNT
    return Grant.NONE


def _entry_grant(principal_type: str, values: tuple[str, ...], caller: Caller) -> Grant:
    best = Grant.NONE
    for value in values:
        if principal_type == "AWS":
            grant = _aws_value_grant(value, caller)
        elif principal_type == "Service":
            grant = (
                Grant.DIRECT
                if caller.kind is CallerKind.SERVICE and value.lower() == caller.arn.lower()
                else Grant.NONE
            )
        elif principal_type == "Federated":
            grant = (
                Grant.DIRECT if caller.kind is CallerKind.WEB_IDENTITY and value == caller.arn else Grant.NONE
            )
        else:  # CanonicalUser ids name S3 canonical users, which are never callers here.
            grant = Grant.NONE
        best = max(best, grant)
    return best


def principal_grant(spec: PrincipalSpec, caller: Caller) -> Grant:
    """The strongest way in which a `Principal` element names the caller (NONE if it does not)."""
    if spec.wildcard:
        return Grant.DIRECT
    best = Grant.NONE
    for principal_type, values in spec.entries:
        grant = _entry_grant(principal_type, values, caller)
        best = max(best, grant)
    return best


def _identity_listed(identity: str, spec: PrincipalSpec) -> bool:
    for principal_type, values in spec.entries:
        if principal_type == "AWS" and ("*" in values or identity in values):
            return True
    return False


def not_principal_applies(spec: PrincipalSpec, caller: Caller, *, has_boundary: bool) -> bool:
    """Whether a statement with this `NotPrincipal` applies to the caller.

    The caller is exempt only when every identity it stands for is listed.
    AWS documents that a Deny with NotPrincipal always applies to an IAM user or
    role that has a permissions boundary, whatever NotPrincipal lists.
    """
    if spec.wildcard:
        return False
    if caller.kind in (CallerKind.SERVICE, CallerKind.WEB_IDENTITY):
        wanted = "Service" if caller.kind is CallerKind.SERVICE else "Federated"
        return _entry_grant(wanted, spec.values(wanted), caller) is Grant.NONE
    if has_boundary and caller.kind in (CallerKind.USER, CallerKind.ASSUMED_ROLE):
        return True
    account_values = spec.values("AWS")
    if "*" in account_values:
        return False
    if not any(_names_account(v, caller) for v in account_values):
        return True
    if caller.kind is CallerKind.ACCOUNT:
        return False
    if not _identity_listed(caller.arn, spec):
        return True
    if caller.kind is CallerKind.ASSUMED_ROLE:
        return not any(_identity_listed(arn, spec) for arn in caller.role_arns)
    return False
