"""The SQL transaction: one class combining the area mixins (explicit methods, no forwarding)."""

from __future__ import annotations

from warden.store.sqlalchemy.accounts import AccountsMixin
from warden.store.sqlalchemy.attachments import AttachmentsMixin
from warden.store.sqlalchemy.audit import AuditMixin
from warden.store.sqlalchemy.credentials import CredentialsMixin
from warden.store.sqlalchemy.groups import GroupsMixin
from warden.store.sqlalchemy.inline import InlinePoliciesMixin
from warden.store.sqlalchemy.instance_profiles import InstanceProfilesMixin
from warden.store.sqlalchemy.mfa import MfaMixin
from warden.store.sqlalchemy.tags import TagsMixin

__all__ = ["SqlTransaction"]


class SqlTransaction(
    AccountsMixin,
    GroupsMixin,
    InstanceProfilesMixin,
    AttachmentsMixin,
    InlinePoliciesMixin,
    CredentialsMixin,
    MfaMixin,
    TagsMixin,
    AuditMixin,
):
    """Implements `warden.store.Transaction` on one SQLAlchemy connection in a transaction."""
