"""Root-user access keys: an access key with no user belongs to the account's root user.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_keys") as batch:
        batch.alter_column("user_id", existing_type=sa.String(32), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM access_keys WHERE user_id IS NULL")
    with op.batch_alter_table("access_keys") as batch:
        batch.alter_column("user_id", existing_type=sa.String(32), nullable=False)
