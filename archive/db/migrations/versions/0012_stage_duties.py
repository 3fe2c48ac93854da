"""Stage duties: who holds which post (岗位) in a unit, each case's stays in its stages with who
answered for them, and the webhook outbox with what its collector remembers.

The stays of existing cases are rebuilt from their stage transitions (with nobody answering
for them: the posts were not configured then), so their history and 考核 start complete.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("post", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["unit"], ["units.code"], name=op.f("fk_unit_posts_unit_units")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_unit_posts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_posts")),
        sa.UniqueConstraint("unit", "post", name="uq_unit_posts_unit_post"),
    )
    op.create_index(op.f("ix_unit_posts_unit"), "unit_posts", ["unit"])
    op.create_index(op.f("ix_unit_posts_user_id"), "unit_posts", ["user_id"])
    stage_duties = op.create_table(
        "stage_duties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("post", sa.String(length=32), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("time_limit_days", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("overdue_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_stage_duties_case_id_cases")
        ),
        sa.ForeignKeyConstraint(["unit"], ["units.code"], name=op.f("fk_stage_duties_unit_units")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_stage_duties_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_duties")),
    )
    op.create_index(op.f("ix_stage_duties_case_id"), "stage_duties", ["case_id"])
    op.create_index(op.f("ix_stage_duties_left_at"), "stage_duties", ["left_at"])
    op.create_index(op.f("ix_stage_duties_unit"), "stage_duties", ["unit"])
    op.create_index(op.f("ix_stage_duties_user_id"), "stage_duties", ["user_id"])
    op.create_table(
        "webhook_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_outbox")),
        sa.UniqueConstraint("subject", name=op.f("uq_webhook_outbox_subject")),
    )
    op.create_index(
        op.f("ix_webhook_outbox_next_attempt_at"), "webhook_outbox", ["next_attempt_at"]
    )
    op.create_table(
        "webhook_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_webhook_state")),
    )
    op.bulk_insert(stage_duties, _stays_of_existing_cases())


def _stays_of_existing_cases() -> list[dict[str, Any]]:
    bind = op.get_bind()
    cases = bind.execute(sa.text("SELECT id, unit, stage, stage_entered_at, created_at FROM cases"))
    transitions: dict[int, list[Any]] = {}
    for row in bind.execute(
        sa.text("SELECT case_id, from_stage, to_stage, at FROM stage_transitions ORDER BY id")
    ):
        transitions.setdefault(row.case_id, []).append(row)
    stays: list[dict[str, Any]] = []
    for case in cases:
        entered = _aware(case.created_at)
        for move in transitions.get(case.id, []):
            stays.append(_stay(case, move.from_stage, entered, left=_aware(move.at)))
            entered = _aware(move.at)
        stays.append(_stay(case, case.stage, _aware(case.stage_entered_at), left=None))
    return stays


def _stay(
    case: Any, stage: str, entered: dt.datetime, *, left: dt.datetime | None
) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "stage": stage,
        "entered_at": entered,
        "left_at": left,
        "unit": case.unit,
    }


def _aware(value: Any) -> dt.datetime:
    # SQLite returns text or naive datetimes; every stored time is UTC.
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def downgrade() -> None:
    op.drop_table("webhook_state")
    op.drop_table("webhook_outbox")
    op.drop_table("stage_duties")
    op.drop_table("unit_posts")
