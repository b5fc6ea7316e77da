"""Teams: orphaned codings kept for review after re-anchoring; alembic_version now says
which schema a database has.

Revision ID: 0002
Revises: 0001
Created: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SETTING = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.String))


def upgrade() -> None:
    op.create_table(
        "orphaned_coding",
        sa.Column("coding_id", sa.String(), nullable=False),
        sa.Column("document_id", sa.String(), nullable=False),
        sa.Column("coder", sa.String(), nullable=False),
        sa.Column("code_id", sa.String(), nullable=False),
        sa.Column("old_start", sa.Integer(), nullable=False),
        sa.Column("old_end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("suffix", sa.String(), nullable=False),
        sa.Column("case_id", sa.String(), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("codebook_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("old_sha256", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("orphaned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("coding_id"),
    )
    op.create_index("ix_orphaned_coding_document_id", "orphaned_coding", ["document_id"])
    # hrd-coder 0.1 recorded its schema as setting 'schema_version' = '1'.
    op.execute(SETTING.delete().where(SETTING.c.key == "schema_version"))


def downgrade() -> None:
    op.drop_index("ix_orphaned_coding_document_id", table_name="orphaned_coding")
    op.drop_table("orphaned_coding")
    op.execute(SETTING.insert().values(key="schema_version", value="1"))
