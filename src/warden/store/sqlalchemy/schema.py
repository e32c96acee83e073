"""Tables of the SQL backend (SQLAlchemy Core).

Names are stored twice: as given, and lower-cased in `name_lower` for the case-insensitive
uniqueness AWS applies to user, group, role, policy and instance-profile names. Foreign keys
never cascade: AWS makes callers remove dependents first, and the store checks that explicitly.
The migrations under `warden.store.migrations` must produce exactly these tables (a contract
test compares them).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from warden.model.audit import COLUMN_WIDTHS as AUDIT_COLUMN_WIDTHS
from warden.model.audit import RESOURCE_NAME_WIDTH
from warden.store.sqlalchemy.types import UtcDateTime

__all__ = [
    "access_keys",
    "accounts",
    "audit_digests",
    "audit_event_resources",
    "audit_events",
    "credential_reports",
    "group_members",
    "group_policy_attachments",
    "groups",
    "inline_policies",
    "instance_profile_roles",
    "instance_profiles",
    "login_profiles",
    "managed_policies",
    "metadata",
    "mfa_devices",
    "password_history",
    "password_policies",
    "policy_versions",
    "role_policy_attachments",
    "roles",
    "tags",
    "user_policy_attachments",
    "users",
]

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("alias", String(63), unique=True),
    Column("partition", String(32), nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    Column("change_counter", BigInteger, nullable=False),
)

# The account's latest credential report (AWS keeps one per account for four hours); in the
# store so that every node serves the report any node generated.
credential_reports = Table(
    "credential_reports",
    metadata,
    Column("account_id", String(12), ForeignKey("accounts.account_id"), primary_key=True),
    Column("generated_at", UtcDateTime(), nullable=False),
    Column("content", LargeBinary, nullable=False),
)

password_policies = Table(
    "password_policies",
    metadata,
    Column("account_id", String(12), ForeignKey("accounts.account_id"), primary_key=True),
    Column("minimum_password_length", Integer, nullable=False),
    Column("require_symbols", Boolean, nullable=False),
    Column("require_numbers", Boolean, nullable=False),
    Column("require_uppercase_characters", Boolean, nullable=False),
    Column("require_lowercase_characters", Boolean, nullable=False),
    Column("allow_users_to_change_password", Boolean, nullable=False),
    Column("max_password_age", Integer),
    Column("password_reuse_prevention", Integer),
    Column("hard_expiry", Boolean, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("user_id", String(32), primary_key=True),
    Column("account_id", String(12), ForeignKey("accounts.account_id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("name_lower", String(64), nullable=False),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    Column("permissions_boundary_arn", String(2048)),
    Column("password_last_used", UtcDateTime()),
    UniqueConstraint("account_id", "name_lower", name="uq_users_account_name"),
)

groups = Table(
    "groups",
    metadata,
    Column("group_id", String(32), primary_key=True),
    Column("account_id", String(12), ForeignKey("accounts.account_id"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("name_lower", String(128), nullable=False),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    UniqueConstraint("account_id", "name_lower", name="uq_groups_account_name"),
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", String(32), ForeignKey("groups.group_id"), nullable=False),
    Column("user_id", String(32), ForeignKey("users.user_id"), nullable=False),
    PrimaryKeyConstraint("group_id", "user_id", name="pk_group_members"),
    Index("ix_group_members_user", "user_id"),
)

roles = Table(
    "roles",
    metadata,
    Column("role_id", String(32), primary_key=True),
    Column("account_id", String(12), ForeignKey("accounts.account_id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("name_lower", String(64), nullable=False),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    Column("assume_role_policy_document", Text, nullable=False),
    Column("description", String(1000)),
    Column("max_session_duration", Integer, nullable=False),
    Column("permissions_boundary_arn", String(2048)),
    Column("last_used_date", UtcDateTime()),
    Column("last_used_region", String(64)),
    UniqueConstraint("account_id", "name_lower", name="uq_roles_account_name"),
)

managed_policies = Table(
    "managed_policies",
    metadata,
    Column("policy_id", String(32), primary_key=True),
    # "aws" for AWS managed policies, hence no foreign key to accounts.
    Column("account_id", String(12), nullable=False),
    Column("name", String(128), nullable=False),
    Column("name_lower", String(128), nullable=False),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False, unique=True),
    Column("create_date", UtcDateTime(), nullable=False),
    Column("update_date", UtcDateTime(), nullable=False),
    Column("default_version_id", String(16), nullable=False),
    Column("last_version_number", Integer, nullable=False),
    Column("is_attachable", Boolean, nullable=False),
    Column("description", String(1000)),
    Column("aws_managed", Boolean, nullable=False),
    UniqueConstraint("account_id", "name_lower", name="uq_policies_account_name"),
)

policy_versions = Table(
    "policy_versions",
    metadata,
    Column("policy_id", String(32), ForeignKey("managed_policies.policy_id"), nullable=False),
    Column("version_id", String(16), nullable=False),
    Column("version_number", Integer, nullable=False),
    Column("document", Text, nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("policy_id", "version_id", name="pk_policy_versions"),
)


def _attachment_table(kind: str, owner_table: str, owner_column: str) -> Table:
    """One attachment table per identity kind, so each keeps a real foreign key."""
    return Table(
        f"{kind}_policy_attachments",
        metadata,
        Column("owner_id", String(32), ForeignKey(f"{owner_table}.{owner_column}"), nullable=False),
        Column("policy_id", String(32), ForeignKey("managed_policies.policy_id"), nullable=False),
        PrimaryKeyConstraint("owner_id", "policy_id", name=f"pk_{kind}_policy_attachments"),
        Index(f"ix_{kind}_policy_attachments_policy", "policy_id"),
    )


user_policy_attachments = _attachment_table("user", "users", "user_id")
group_policy_attachments = _attachment_table("group", "groups", "group_id")
role_policy_attachments = _attachment_table("role", "roles", "role_id")

inline_policies = Table(
    "inline_policies",
    metadata,
    Column("account_id", String(12), ForeignKey("accounts.account_id"), nullable=False),
    Column("owner_kind", String(8), nullable=False),
    Column("owner_id", String(32), nullable=False),
    Column("policy_name", String(128), nullable=False),
    Column("document", Text, nullable=False),
    PrimaryKeyConstraint("owner_kind", "owner_id", "policy_name", name="pk_inline_policies"),
)

access_keys = Table(
    "access_keys",
    metadata,
    Column("access_key_id", String(32), primary_key=True),
    Column("account_id", String(12), ForeignKey("accounts.account_id"), nullable=False),
    # NULL for the account root user's own keys.
    Column("user_id", String(32), ForeignKey("users.user_id"), nullable=True),
    Column("status", String(8), nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    Column("secret_ciphertext", LargeBinary, nullable=False),
    Column("last_used_date", UtcDateTime()),
    Column("last_used_service", String(64)),
    Column("last_used_region", String(64)),
    Index("ix_access_keys_user", "user_id"),
)

login_profiles = Table(
    "login_profiles",
    metadata,
    Column("user_id", String(32), ForeignKey("users.user_id"), primary_key=True),
    Column("password_hash", String(512), nullable=False),
    Column("password_reset_required", Boolean, nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    # When the password was last set (create, update, change); drives max age and hard expiry.
    Column("password_set_date", UtcDateTime()),
    # Consecutive failed sign-ins and the lockout they caused (backoff).
    Column("failed_signins", Integer, nullable=False, server_default="0"),
    Column("locked_until", UtcDateTime()),
)

# Earlier password hashes of a user, newest first, for the policy's reuse prevention.
password_history = Table(
    "password_history",
    metadata,
    Column("user_id", String(32), ForeignKey("users.user_id"), nullable=False),
    Column("set_date", UtcDateTime(), nullable=False),
    Column("password_hash", String(512), nullable=False),
    Index("ix_password_history_user", "user_id", "set_date"),
)

instance_profiles = Table(
    "instance_profiles",
    metadata,
    Column("instance_profile_id", String(32), primary_key=True),
    Column("account_id", String(12), ForeignKey("accounts.account_id"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("name_lower", String(128), nullable=False),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    UniqueConstraint("account_id", "name_lower", name="uq_instance_profiles_account_name"),
)

instance_profile_roles = Table(
    "instance_profile_roles",
    metadata,
    Column(
        "instance_profile_id",
        String(32),
        ForeignKey("instance_profiles.instance_profile_id"),
        nullable=False,
    ),
    Column("role_id", String(32), ForeignKey("roles.role_id"), nullable=False),
    PrimaryKeyConstraint("instance_profile_id", "role_id", name="pk_instance_profile_roles"),
    Index("ix_instance_profile_roles_role", "role_id"),
)

mfa_devices = Table(
    "mfa_devices",
    metadata,
    Column("serial_number", String(2048), primary_key=True),
    Column("account_id", String(12), ForeignKey("accounts.account_id"), nullable=False),
    Column("name", String(256), nullable=False),
    Column("path", String(512), nullable=False),
    Column("create_date", UtcDateTime(), nullable=False),
    Column("seed_ciphertext", LargeBinary, nullable=False),
    Column("user_id", String(32), ForeignKey("users.user_id")),
    Column("enable_date", UtcDateTime()),
    # The TOTP time step of the last accepted code (a code is accepted at most once).
    Column("last_used_step", BigInteger),
    # Consecutive wrong codes and the throttle they caused.
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("throttled_until", UtcDateTime()),
    # The device clock's drift in 30-second steps, measured by ResyncMFADevice.
    Column("clock_offset_steps", Integer, nullable=False, server_default="0"),
    Index("ix_mfa_devices_user", "user_id"),
)

tags = Table(
    "tags",
    metadata,
    Column("resource_kind", String(24), nullable=False),
    # The internal id of the tagged row (user_id, role_id, policy_id, ... or MFA serial number).
    Column("resource_id", String(2048), nullable=False),
    Column("key", String(128), nullable=False),
    Column("key_lower", String(128), nullable=False),
    Column("value", String(256), nullable=False),
    PrimaryKeyConstraint("resource_kind", "resource_id", "key_lower", name="pk_tags"),
)

# The audit trail. `seq` orders events (autoincrement); `record` is the CloudTrail-shaped JSON
# event, `record_hash` its SHA-256; `digest_seq` names the signed digest that sealed it (NULL
# until sealed). The other columns exist to filter LookupEvents without parsing JSON.
_AUDIT_WIDTHS = AUDIT_COLUMN_WIDTHS
_AUDIT_SEQ = BigInteger().with_variant(Integer(), "sqlite")

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", _AUDIT_SEQ, primary_key=True, autoincrement=True),
    Column("event_id", String(_AUDIT_WIDTHS["event_id"]), nullable=False, unique=True),
    Column("account_id", String(_AUDIT_WIDTHS["account_id"]), nullable=False),
    Column("event_time", UtcDateTime(), nullable=False),
    Column("event_source", String(_AUDIT_WIDTHS["event_source"]), nullable=False),
    Column("event_name", String(_AUDIT_WIDTHS["event_name"]), nullable=False),
    Column("read_only", Boolean, nullable=False),
    Column("username", String(_AUDIT_WIDTHS["username"])),
    Column("access_key_id", String(_AUDIT_WIDTHS["access_key_id"])),
    Column("identity_type", String(_AUDIT_WIDTHS["identity_type"])),
    Column("principal_arn", String(_AUDIT_WIDTHS["principal_arn"])),
    Column("error_code", String(_AUDIT_WIDTHS["error_code"])),
    Column("record", Text, nullable=False),
    Column("record_hash", String(64), nullable=False),
    Column("digest_seq", BigInteger),
    Index("ix_audit_events_account_time", "account_id", "event_time"),
    Index("ix_audit_events_digest", "digest_seq"),
    Index("ix_audit_events_principal", "account_id", "principal_arn", "event_time"),
)

audit_event_resources = Table(
    "audit_event_resources",
    metadata,
    Column("seq", BigInteger, nullable=False),
    Column("resource_type", String(64), nullable=False),
    Column("resource_name", String(RESOURCE_NAME_WIDTH), nullable=False),
    Index("ix_audit_event_resources_seq", "seq"),
    Index("ix_audit_event_resources_name", "resource_name"),
)

# A signed digest seals a batch of events: the hashes of its events in `seq` order, chained to
# the previous digest, signed with an Ed25519 key derived from the master key.
audit_digests = Table(
    "audit_digests",
    metadata,
    Column("digest_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("created", UtcDateTime(), nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("digest_hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
)
