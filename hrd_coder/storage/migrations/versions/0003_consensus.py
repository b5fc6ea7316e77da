"""Consensus rebuilt from the layers: each decision records the unit kind it was made on
and what the coders had coded there when it was made (its basis), so a later change to
those codings reopens it.

Revision ID: 0003
Revises: 0002
Created: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("basis", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_column("basis")
        batch_op.drop_column("unit")
