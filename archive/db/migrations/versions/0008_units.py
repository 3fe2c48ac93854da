"""Units: the organisation tree (市公司 → 县公司 → 供电所); every case, user and token belongs to
one. An existing installation gets its top unit (``YEKUO_TOP_UNIT``, handed over by
``archive.Database``), which takes every case; the free-text units users had become units
under it.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context, op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_units = sa.table(
    "units",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("parent_code", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["units.code"], name=op.f("fk_units_parent_code_units")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.create_index(op.f("ix_units_parent_code"), "units", ["parent_code"], unique=False)
    top_code, top_name = context.config.attributes.get("top_unit", ("TOP", "市公司"))
    now = sa.func.now()
    op.execute(_units.insert().values(code=top_code, name=top_name, created_at=now))
    # A user's unit was free text: each one named becomes a unit under the top one.
    connection = op.get_bind()
    named = connection.execute(
        sa.text("SELECT DISTINCT unit FROM users WHERE unit IS NOT NULL AND unit != :top"),
        {"top": top_code},
    ).scalars()
    for code in list(named):
        op.execute(
            _units.insert().values(code=code, name=code, parent_code=top_code, created_at=now)
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=64), nullable=True))
    op.execute(sa.text("UPDATE cases SET unit = :top").bindparams(top=top_code))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("unit", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_foreign_key("fk_cases_unit_units", "units", ["unit"], ["code"])
        batch_op.create_index("ix_cases_unit", ["unit"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_users_unit_units", "units", ["unit"], ["code"])
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key("fk_api_tokens_unit_units", "units", ["unit"], ["code"])


def downgrade() -> None:
    """Back to free-text units of users; cases and tokens lose theirs."""
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint("fk_api_tokens_unit_units", type_="foreignkey")
        batch_op.drop_column("unit")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("fk_users_unit_units", type_="foreignkey")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_unit")
        batch_op.drop_constraint("fk_cases_unit_units", type_="foreignkey")
        batch_op.drop_column("unit")
    op.drop_index(op.f("ix_units_parent_code"), table_name="units")
    op.drop_table("units")
