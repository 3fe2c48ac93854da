"""Directory sign-in: a user comes from the local accounts or from the directory (LDAP), and
a directory user has no password kept here.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=8), server_default="local", nullable=False)
        )
        batch_op.alter_column("password_hash", existing_type=sa.String(length=200), nullable=True)


def downgrade() -> None:
    """Back to local accounts only: the directory's users go, with their sign-ins; the API
    tokens they owned are revoked (a token without an owner would outlive them)."""
    op.execute(
        "DELETE FROM web_sessions WHERE user_id IN (SELECT id FROM users WHERE source = 'ldap')"
    )
    op.execute(
        "UPDATE api_tokens SET user_id = NULL, revoked_at = COALESCE(revoked_at, CURRENT_TIMESTAMP) "
        "WHERE user_id IN (SELECT id FROM users WHERE source = 'ldap')"
    )
    op.execute("DELETE FROM users WHERE source = 'ldap'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column("source")
