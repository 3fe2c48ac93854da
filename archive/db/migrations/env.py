"""Alembic environment: runs migrations on the engine handed over by archive.Database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from archive.db._models import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through archive.Database.upgrade() or `yekuo db upgrade`")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
