"""The trash: a document removed from its case (status ``trashed``) keeps when, by whom and
why, the status it goes back to on restore, and when its original was purged.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trashed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("trashed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("trash_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("status_before_trash", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_documents_trashed_at", ["trashed_at"], unique=False)


def downgrade() -> None:
    """Back to no trash: trashed documents return to the status they had (a purged one's
    original stays gone, and `yekuo verify` reports it missing)."""
    op.execute(
        "UPDATE documents SET status = COALESCE(status_before_trash, 'failed') "
        "WHERE status = 'trashed'"
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_trashed_at")
        batch_op.drop_column("purged_at")
        batch_op.drop_column("status_before_trash")
        batch_op.drop_column("trash_reason")
        batch_op.drop_column("trashed_by")
        batch_op.drop_column("trashed_at")
