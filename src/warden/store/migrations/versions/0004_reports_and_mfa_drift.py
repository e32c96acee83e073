"""Credential reports in the store, so that every node serves the report any node generated;
the clock drift of virtual MFA devices, measured by ResyncMFADevice; an index of audit events by
principal (service last accessed reports).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warden.store.sqlalchemy.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credential_reports",
        sa.Column("account_id", sa.String(12), sa.ForeignKey("accounts.account_id"), primary_key=True),
        sa.Column("generated_at", UtcDateTime(), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_audit_events_principal", "audit_events", ["account_id", "principal_arn", "event_time"])
    with op.batch_alter_table("mfa_devices") as batch:
        batch.add_column(sa.Column("clock_offset_steps", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_index("ix_audit_events_principal", "audit_events")
    with op.batch_alter_table("mfa_devices") as batch:
        batch.drop_column("clock_offset_steps")
    op.drop_table("credential_reports")
