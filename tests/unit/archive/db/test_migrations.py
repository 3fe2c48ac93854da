"""Migrations from an empty database give exactly the schema of the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from archive import Base, Database


def test_upgrade_from_empty_matches_the_models(database_url: str) -> None:
    with Database(database_url) as database:
        database.upgrade()
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert context.get_current_revision() is not None
            assert compare_metadata(context, Base.metadata) == []
        tables = set(inspect(database.engine).get_table_names())
    assert {
        "cases",
        "customers",
        "legal_representatives",
        "documents",
        "findings",
        "audit_events",
        "api_tokens",
    } <= tables


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    with Database(database_url) as database:
        database.upgrade()
        database.upgrade()
        database.check()


def test_units_arrive_with_a_top_unit_holding_every_case_and_the_units_users_had(
    database_url: str,
) -> None:
    with Database(database_url, top_unit=("CITY", "某市供电公司")) as database:
        database.upgrade("0007")
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO customers (id, name, address, phone) VALUES (1, '王小明', '', '')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO cases (id, case_no, category, business_type, capacity_kva, "
                    "stage, customer_id, accepted_on, stage_entered_at, created_at, updated_at, "
                    "facts) VALUES (1, 'YK-OLD', 'residential', 'new', 8, 'application', 1, "
                    "'2026-01-05', :now, :now, :now, '{}')"
                ),
                {"now": "2026-01-05 09:00:00+00:00"},
            )
            for username, unit in (("wang.xm", "GDS01"), ("li.si", None)):
                connection.execute(
                    text(
                        "INSERT INTO users (username, display_name, role, unit, password_hash, "
                        "created_at, created_by) VALUES (:u, :u, 'archivist', :unit, 'x', "
                        ":now, 'cli')"
                    ),
                    {"u": username, "unit": unit, "now": "2026-01-05 09:00:00+00:00"},
                )
        database.upgrade()
        with database.engine.connect() as connection:
            units = connection.execute(
                text("SELECT code, name, parent_code FROM units ORDER BY code")
            ).all()
            cases = connection.execute(text("SELECT case_no, unit FROM cases")).all()
    assert [tuple(row) for row in units] == [
        ("CITY", "某市供电公司", None),
        ("GDS01", "GDS01", "CITY"),
    ]
    assert [tuple(row) for row in cases] == [("YK-OLD", "CITY")]
