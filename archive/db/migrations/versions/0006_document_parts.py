"""Documents that are parts of a split stack: their parent, part number and pages.

The stack and its parts share one sha256 (the original is stored once), so the unique
constraint on (case_id, sha256) becomes one on (case_id, sha256, part); uploads have part 0.
Downgrading needs a database without parts (their rows would break the old constraint).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("part", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("page_first", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("page_last", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_documents_parent_id_documents", "documents", ["parent_id"], ["id"]
        )
        batch_op.create_index("ix_documents_parent_id", ["parent_id"], unique=False)
        batch_op.drop_constraint("uq_documents_case_sha256", type_="unique")
        batch_op.create_unique_constraint(
            "uq_documents_case_sha256_part", ["case_id", "sha256", "part"]
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_documents_case_sha256_part", type_="unique")
        batch_op.create_unique_constraint("uq_documents_case_sha256", ["case_id", "sha256"])
        batch_op.drop_index("ix_documents_parent_id")
        batch_op.drop_constraint("fk_documents_parent_id_documents", type_="foreignkey")
        batch_op.drop_column("page_last")
        batch_op.drop_column("page_first")
        batch_op.drop_column("part")
        batch_op.drop_column("parent_id")
