"""Store-level errors. The services layer maps them to AWS wire errors; the store never imports
`warden.errors`, so it stays usable from tools that have no notion of the wire.

    StoreError
    ├── StoreUnavailable   the store URL is not supported, or the database cannot be opened
    ├── StoreBusy          other writers held the database longer than a transaction waits
    ├── AlreadyExists      a name, id or alias is taken (names compare case-insensitively)
    ├── NotFound           the entity, or the relation between two entities, does not exist
    ├── ConflictDeleting   an entity still has dependents AWS requires you to remove first
    └── InvalidMarker      a pagination marker that this store did not issue
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "AlreadyExists",
    "ConflictDeleting",
    "Dependent",
    "InvalidMarker",
    "NotFound",
    "StoreBusy",
    "StoreError",
    "StoreUnavailable",
]


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class StoreUnavailable(StoreError):
    """Raised by `open_store` when its URL names no supported database or the database cannot
    be reached or migrated; the message names the URL without its password."""


class StoreBusy(StoreError):
    """Raised when a transaction cannot begin because other writers kept the database locked
    for longer than it waits (SQLite's busy timeout): the load, not the request, is at fault,
    and the same request may succeed when retried."""


class AlreadyExists(StoreError):
    """Raised when creating something whose unique key is taken.

    `kind` names the entity ("user", "role", "alias", ...); `name` is the value that clashed."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind} {name!r} already exists")
        self.kind = kind
        self.name = name


class NotFound(StoreError):
    """Raised when an operation names an entity (or a relation) that does not exist."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind} {name!r} not found")
        self.kind = kind
        self.name = name


class Dependent(str, Enum):
    """What still hangs off an entity that is being deleted; the services layer picks AWS's
    DeleteConflict message from it."""

    ACCESS_KEYS = "access_keys"
    ATTACHED_POLICIES = "attached_policies"
    DEFAULT_VERSION = "default_version"
    GROUP_MEMBERS = "group_members"
    GROUP_MEMBERSHIPS = "group_memberships"
    INLINE_POLICIES = "inline_policies"
    INSTANCE_PROFILES = "instance_profiles"
    LOGIN_PROFILE = "login_profile"
    MFA_DEVICES = "mfa_devices"
    MFA_USER = "mfa_user"
    POLICY_ATTACHMENTS = "policy_attachments"
    POLICY_VERSIONS = "policy_versions"
    ROLES = "roles"


class ConflictDeleting(StoreError):
    """Raised when deleting an entity that AWS refuses to delete until `dependent` is removed."""

    def __init__(self, kind: str, name: str, dependent: Dependent) -> None:
        super().__init__(f"cannot delete {kind} {name!r}: it still has {dependent.value}")
        self.kind = kind
        self.name = name
        self.dependent = dependent


class InvalidMarker(StoreError):
    """Raised for a pagination marker that is malformed or was not issued for this listing."""

    def __init__(self, marker: str) -> None:
        super().__init__(f"invalid pagination marker {marker!r}")
        self.marker = marker
