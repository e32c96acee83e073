"""Initial schema: accounts, identities, policies, credentials, instance profiles, tags.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warden.store.sqlalchemy.types import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _attachments(kind: str, owner_table: str, owner_column: str) -> None:
    op.create_table(
        f"{kind}_policy_attachments",
        sa.Column("owner_id", sa.String(32), sa.ForeignKey(f"{owner_table}.{owner_column}"), nullable=False),
        sa.Column("policy_id", sa.String(32), sa.ForeignKey("managed_policies.policy_id"), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "policy_id", name=f"pk_{kind}_policy_attachments"),
    )
    op.create_index(f"ix_{kind}_policy_attachments_policy", f"{kind}_policy_attachments", ["policy_id"])


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(12), primary_key=True),
        sa.Column("alias", sa.String(63), unique=True),
        sa.Column("partition", sa.String(32), nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.Column("change_counter", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "password_policies",
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), primary_key=True),
        sa.Column("minimum_password_length", sa.Integer, nullable=False),
        sa.Column("require_symbols", sa.Boolean, nullable=False),
        sa.Column("require_numbers", sa.Boolean, nullable=False),
        sa.Column("require_uppercase_characters", sa.Boolean, nullable=False),
        sa.Column("require_lowercase_characters", sa.Boolean, nullable=False),
        sa.Column("allow_users_to_change_password", sa.Boolean, nullable=False),
        sa.Column("max_password_age", sa.Integer),
        sa.Column("password_reuse_prevention", sa.Integer),
        sa.Column("hard_expiry", sa.Boolean, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("name_lower", sa.String(64), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("arn", sa.String(2048), nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.Column("permissions_boundary_arn", sa.String(2048)),
        sa.Column("password_last_used", UtcDateTime()),
        sa.UniqueConstraint("account_id", "name_lower", name="uq_users_account_name"),
    )
    op.create_table(
        "groups",
        sa.Column("group_id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("name_lower", sa.String(128), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("arn", sa.String(2048), nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("account_id", "name_lower", name="uq_groups_account_name"),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.String(32), sa.ForeignKey("groups.group_id"), nullable=False),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.user_id"), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "user_id", name="pk_group_members"),
    )
    op.create_index("ix_group_members_user", "group_members", ["user_id"])
    op.create_table(
        "roles",
        sa.Column("role_id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("name_lower", sa.String(64), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("arn", sa.String(2048), nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.Column("assume_role_policy_document", sa.Text, nullable=False),
        sa.Column("description", sa.String(1000)),
        sa.Column("max_session_duration", sa.Integer, nullable=False),
        sa.Column("permissions_boundary_arn", sa.String(2048)),
        sa.Column("last_used_date", UtcDateTime()),
        sa.Column("last_used_region", sa.String(64)),
        sa.UniqueConstraint("account_id", "name_lower", name="uq_roles_account_name"),
    )
    op.create_table(
        "managed_policies",
        sa.Column("policy_id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("name_lower", sa.String(128), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("arn", sa.String(2048), nullable=False, unique=True),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.Column("update_date", UtcDateTime(), nullable=False),
        sa.Column("default_version_id", sa.String(16), nullable=False),
        sa.Column("last_version_number", sa.Integer, nullable=False),
        sa.Column("is_attachable", sa.Boolean, nullable=False),
        sa.Column("description", sa.String(1000)),
        sa.Column("aws_managed", sa.Boolean, nullable=False),
        sa.UniqueConstraint("account_id", "name_lower", name="uq_policies_account_name"),
    )
    op.create_table(
        "policy_versions",
        sa.Column("policy_id", sa.String(32), sa.ForeignKey("managed_policies.policy_id"), nullable=False),
        sa.Column("version_id", sa.String(16), nullable=False),
        sa.Column("version_number", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("policy_id", "version_id", name="pk_policy_versions"),
    )
    _attachments("user", "users", "user_id")
    _attachments("group", "groups", "group_id")
    _attachments("role", "roles", "role_id")
    op.create_table(
        "inline_policies",
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("owner_kind", sa.String(8), nullable=False),
        sa.Column("owner_id", sa.String(32), nullable=False),
        sa.Column("policy_name", sa.String(128), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("owner_kind", "owner_id", "policy_name", name="pk_inline_policies"),
    )
    op.create_table(
        "access_keys",
        sa.Column("access_key_id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.user_id"), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("last_used_date", UtcDateTime()),
        sa.Column("last_used_service", sa.String(64)),
        sa.Column("last_used_region", sa.String(64)),
    )
    op.create_index("ix_access_keys_user", "access_keys", ["user_id"])
    op.create_table(
        "login_profiles",
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.user_id"), primary_key=True),
        sa.Column("password_hash", sa.String(512), nullable=False),
        sa.Column("password_reset_required", sa.Boolean, nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "instance_profiles",
        sa.Column("instance_profile_id", sa.String(32), primary_key=True),
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("name_lower", sa.String(128), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("arn", sa.String(2048), nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("account_id", "name_lower", name="uq_instance_profiles_account_name"),
    )
    op.create_table(
        "instance_profile_roles",
        sa.Column(
            "instance_profile_id",
            sa.String(32),
            sa.ForeignKey("instance_profiles.instance_profile_id"),
            nullable=False,
        ),
        sa.Column("role_id", sa.String(32), sa.ForeignKey("roles.role_id"), nullable=False),
        sa.PrimaryKeyConstraint("instance_profile_id", "role_id", name="pk_instance_profile_roles"),
    )
    op.create_index("ix_instance_profile_roles_role", "instance_profile_roles", ["role_id"])
    op.create_table(
        "mfa_devices",
        sa.Column("serial_number", sa.String(2048), primary_key=True),
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("create_date", UtcDateTime(), nullable=False),
        sa.Column("seed_ciphertext", sa.LargeBinary, nullable=False),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.user_id")),
        sa.Column("enable_date", UtcDateTime()),
    )
    op.create_index("ix_mfa_devices_user", "mfa_devices", ["user_id"])
    op.create_table(
        "tags",
        sa.Column("resource_kind", sa.String(24), nullable=False),
        sa.Column("resource_id", sa.String(2048), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("key_lower", sa.String(128), nullable=False),
        sa.Column("value", sa.String(256), nullable=False),
        sa.PrimaryKeyConstraint("resource_kind", "resource_id", "key_lower", name="pk_tags"),
    )


def downgrade() -> None:
    for table in (
        "tags",
        "mfa_devices",
        "instance_profile_roles",
        "instance_profiles",
        "login_profiles",
        "access_keys",
        "inline_policies",
        "role_policy_attachments",
        "group_policy_attachments",
        "user_policy_attachments",
        "policy_versions",
        "managed_policies",
        "roles",
        "group_members",
        "groups",
        "users",
        "password_policies",
        "accounts",
    ):
        op.drop_table(table)
