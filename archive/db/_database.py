"""The relational store: engine, sessions and migrations (Alembic) for one database URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from core import Closing, Settings, use_wal

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite (WAL, set once by use_wal, stays with the file).
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database(Closing):
    """An engine and a session factory for one URL; a context manager that disposes the engine."""

    def __init__(self, url: str, *, top_unit: tuple[str, str] = ("TOP", "市公司")) -> None:
        self.url = url
        # The (code, name) of the top unit the migration that creates units inserts.
        self.top_unit = top_unit
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                use_wal(Path(parsed.database))  # readers go on while intake writes
            self.engine: Engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 10}
            )
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new session; the caller commits or rolls back and closes it."""
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed when the block ends normally and rolled back otherwise."""
        with self._sessions.begin() as session:
            yield session

    def upgrade(self, revision: str = "head") -> None:
        """Apply every Alembic migration not yet applied (up to ``revision``, default all)."""
        command.upgrade(self._alembic_config(), revision)

    def check(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        """Dispose of the engine's connections."""
        self.engine.dispose()

    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["engine"] = self.engine
        config.attributes["top_unit"] = self.top_unit
        return config


def open_database(settings: Settings) -> Database:
    """The relational store the settings choose."""
    return Database(
        settings.resolved_database_url, top_unit=(settings.top_unit, settings.top_unit_name)
    )
