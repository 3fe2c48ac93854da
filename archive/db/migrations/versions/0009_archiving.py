"""Archiving: a case's 档号 and when and by whom it was archived, the per-year counter the
numbers come from, and each document's archival (PDF/A) copy.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_archive_counters")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archive_no", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("archived_by", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_cases_archive_no"), ["archive_no"])
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archival_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("archival_size", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("archival_size")
        batch_op.drop_column("archival_sha256")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_cases_archive_no"), type_="unique")
        batch_op.drop_column("archived_by")
        batch_op.drop_column("archived_at")
        batch_op.drop_column("archive_no")
    op.drop_table("archive_counters")
