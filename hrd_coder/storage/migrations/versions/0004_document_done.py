"""Who coded what: a coder marks a document done, and agreement counts their blank units
there as "absent" only then.

Revision ID: 0004
Revises: 0003
Created: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_done",
        sa.Column("document_id", sa.String(), nullable=False),
        sa.Column("coder", sa.String(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("document_id", "coder"),
    )


def downgrade() -> None:
    op.drop_table("document_done")
