"""Intake jobs (attempts and leases) and what intake found (text, OCR lines, evidence).

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
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stage", sa.String(length=40), nullable=False, server_default="application")
        )
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("ocr", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("evidence", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("leased_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "index_status", sa.String(length=16), nullable=False, server_default="pending"
            )
        )
        batch_op.create_index(batch_op.f("ix_documents_index_status"), ["index_status"])
        batch_op.create_index(batch_op.f("ix_documents_next_attempt_at"), ["next_attempt_at"])
        batch_op.create_index(batch_op.f("ix_documents_stage"), ["stage"])
    with op.batch_alter_table("documents", schema=None) as batch_op:
        for column in ("stage", "text", "ocr", "evidence", "attempts", "index_status"):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_stage"))
        batch_op.drop_index(batch_op.f("ix_documents_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_documents_index_status"))
        for column in (
            "index_status",
            "lease_expires_at",
            "leased_by",
            "next_attempt_at",
            "attempts",
            "seconds",
            "evidence",
            "ocr",
            "text",
            "stage",
        ):
            batch_op.drop_column(column)
