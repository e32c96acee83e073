"""Credential reports in the store, so that every node serves the report any node generated.

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


def downgrade() -> None:
    op.drop_table("credential_reports")
