"""The audit trail (events, their resources, signed digests); MFA code reuse and throttling;
password history, password age and sign-in lockout.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warden.store.sqlalchemy.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_profiles") as batch:
        batch.add_column(sa.Column("password_set_date", UtcDateTime()))
        batch.add_column(sa.Column("failed_signins", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", UtcDateTime()))
    op.create_table(
        "password_history",
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.user_id"), nullable=False),
        sa.Column("set_date", UtcDateTime(), nullable=False),
        sa.Column("password_hash", sa.String(512), nullable=False),
    )
    op.create_index("ix_password_history_user", "password_history", ["user_id", "set_date"])
    with op.batch_alter_table("mfa_devices") as batch:
        batch.add_column(sa.Column("last_used_step", sa.BigInteger))
        batch.add_column(sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("throttled_until", UtcDateTime()))
    op.create_table(
        "audit_events",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("event_time", UtcDateTime(), nullable=False),
        sa.Column("event_source", sa.String(64), nullable=False),
        sa.Column("event_name", sa.String(128), nullable=False),
        sa.Column("read_only", sa.Boolean, nullable=False),
        sa.Column("username", sa.String(256)),
        sa.Column("access_key_id", sa.String(32)),
        sa.Column("identity_type", sa.String(32)),
        sa.Column("principal_arn", sa.String(2048)),
        sa.Column("error_code", sa.String(128)),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("digest_seq", sa.BigInteger),
    )
    op.create_index("ix_audit_events_account_time", "audit_events", ["account_id", "event_time"])
    op.create_index("ix_audit_events_digest", "audit_events", ["digest_seq"])
    op.create_table(
        "audit_event_resources",
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("resource_type", sa.String(64), nullable=False),
        sa.Column("resource_name", sa.String(2048), nullable=False),
    )
    op.create_index("ix_audit_event_resources_seq", "audit_event_resources", ["seq"])
    op.create_index("ix_audit_event_resources_name", "audit_event_resources", ["resource_name"])
    op.create_table(
        "audit_digests",
        sa.Column("digest_seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("created", UtcDateTime(), nullable=False),
        sa.Column("event_count", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("digest_hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_digests")
    op.drop_index("ix_audit_event_resources_name", "audit_event_resources")
    op.drop_index("ix_audit_event_resources_seq", "audit_event_resources")
    op.drop_table("audit_event_resources")
    op.drop_index("ix_audit_events_digest", "audit_events")
    op.drop_index("ix_audit_events_account_time", "audit_events")
    op.drop_table("audit_events")
    with op.batch_alter_table("mfa_devices") as batch:
        batch.drop_column("throttled_until")
        batch.drop_column("failed_attempts")
        batch.drop_column("last_used_step")
    op.drop_index("ix_password_history_user", "password_history")
    op.drop_table("password_history")
    with op.batch_alter_table("login_profiles") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_signins")
        batch.drop_column("password_set_date")
