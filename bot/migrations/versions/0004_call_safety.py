"""booking.call_safety: whether the advisor may leave a message (asked after a disclosure of abuse)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("booking") as batch:
        batch.add_column(sa.Column("call_safety", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("booking") as batch:
        batch.drop_column("call_safety")
