"""A consistent copy of the relational store: SQLite's online backup, or ``pg_dump``."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from archive.backup._postgres import pg_dump, pg_restore
from archive.db import AuditEvent, Case, Database, Document


def database_kind(url: str) -> str:
    """``sqlite`` or ``postgresql``: which dump a URL's database makes and takes."""
    return "sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgresql"


def dump_file_name(kind: str) -> str:
    """The dump's file name in a backup directory."""
    return "database.sqlite" if kind == "sqlite" else "database.pgdump"


def dump_database(*, url: str, target: Path) -> None:
    """Write a consistent snapshot of the database at ``url`` to ``target``.

    SQLite's online backup copies pages while writers go on and restarts when they change what
    it copied; ``pg_dump`` reads inside one repeatable-read transaction.
    """
    if database_kind(url) == "postgresql":
        pg_dump(url=url, target=target)
        return
    with (
        closing(sqlite3.connect(_sqlite_path(url))) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)


def load_database(*, url: str, source: Path) -> None:
    """Load a dump written by ``dump_database`` into the empty database at ``url``."""
    if database_kind(url) == "postgresql":
        pg_restore(url=url, source=source)
        return
    path = Path(_sqlite_path(url))
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as dump, closing(sqlite3.connect(path)) as target:
        dump.backup(target)


def table_names(database: Database) -> list[str]:
    """The tables the database holds (none in an empty one), every schema but the system's."""
    inspector = inspect(database.engine)
    schemas = [None] if database_kind(database.url) == "sqlite" else inspector.get_schema_names()
    return [
        table
        for schema in schemas
        if schema not in {"information_schema", "pg_catalog", "pg_toast"}
        for table in inspector.get_table_names(schema=schema)
    ]


def database_summary(database: Database) -> dict[str, object]:
    """What a restore drill compares: how many cases and documents, and the audit chain's head."""
    with database.transaction() as session:
        head = session.execute(
            select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
        ).first()
        return {
            "cases": session.scalar(select(func.count()).select_from(Case)),
            "documents": session.scalar(select(func.count()).select_from(Document)),
            "audit_head": None if head is None else {"id": head.id, "hash": head.hash},
        }


def _sqlite_path(url: str) -> str:
    return make_url(url).database or ""
