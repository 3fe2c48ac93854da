"""Migrations from an empty database give exactly the schema of the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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
