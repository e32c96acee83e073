"""Domain values shared by the store and the services: frozen, slotted, typed, free of I/O.

Every timestamp is a timezone-aware `datetime` in UTC. Secrets only ever appear here as
ciphertext (`bytes`) or hashes; the store never sees plaintext.
"""

from __future__ import annotations

from warden.model.accounts import Account, PasswordPolicy
from warden.model.audit import AuditDigest, AuditEvent, AuditQuery, StoredAuditEvent
from warden.model.credentials import AccessKey, AccessKeyStatus, LoginProfile, MfaDevice
from warden.model.groups import Group
from warden.model.instance_profiles import InstanceProfile
from warden.model.policies import (
    AttachedPolicy,
    InlinePolicy,
    ManagedPolicy,
    PolicyEntity,
    PolicyScope,
    PolicyUsage,
    PolicyVersion,
    PrincipalKind,
)
from warden.model.roles import Role
from warden.model.tags import Tag, TaggedKind
from warden.model.users import User

__all__ = [
    "AccessKey",
    "AccessKeyStatus",
    "Account",
    "AttachedPolicy",
    "AuditDigest",
    "AuditEvent",
    "AuditQuery",
    "Group",
    "InlinePolicy",
    "InstanceProfile",
    "LoginProfile",
    "ManagedPolicy",
    "MfaDevice",
    "PasswordPolicy",
    "PolicyEntity",
    "PolicyScope",
    "PolicyUsage",
    "PolicyVersion",
    "PrincipalKind",
    "Role",
    "StoredAuditEvent",
    "Tag",
    "TaggedKind",
    "User",
]
