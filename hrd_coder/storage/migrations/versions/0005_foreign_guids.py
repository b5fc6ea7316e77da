"""Identity on the way back: the GUIDs imported REFI-QDA objects came with, so an export
sent back to the program they came from matches its own codes, documents and users.

Revision ID: 0005
Revises: 0004
Created: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "foreign_guid",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("local_id", sa.String(), nullable=False),
        sa.Column("guid", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "local_id"),
    )
    op.create_index("ix_foreign_guid_guid", "foreign_guid", ["guid"])


def downgrade() -> None:
    op.drop_index("ix_foreign_guid_guid", table_name="foreign_guid")
    op.drop_table("foreign_guid")
