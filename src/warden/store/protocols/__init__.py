"""The store's transaction API, one protocol per area; `warden.store.interface` combines them."""

from __future__ import annotations

from warden.store.protocols.accounts import AccountOps
from warden.store.protocols.audit import AuditOps
from warden.store.protocols.credentials import AccessKeyOps, LoginProfileOps, MfaDeviceOps
from warden.store.protocols.groups import GroupOps
from warden.store.protocols.instance_profiles import InstanceProfileOps
from warden.store.protocols.policies import AttachmentOps, InlinePolicyOps, ManagedPolicyOps
from warden.store.protocols.roles import RoleOps
from warden.store.protocols.tags import TagOps
from warden.store.protocols.users import UserOps

__all__ = [
    "AccessKeyOps",
    "AccountOps",
    "AttachmentOps",
    "AuditOps",
    "GroupOps",
    "InlinePolicyOps",
    "InstanceProfileOps",
    "LoginProfileOps",
    "ManagedPolicyOps",
    "MfaDeviceOps",
    "RoleOps",
    "TagOps",
    "UserOps",
]
