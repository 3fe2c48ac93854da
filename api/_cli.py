"""The ``yekuo`` command line."""

from __future__ import annotations

import sys

import click
import uvicorn
from sqlalchemy import select

from api._app import create_app
from api._cli_cases import cases_command
from api._cli_check import check_command
from api._cli_import import import_command
from api._cli_inspect import inspect_command
from api._cli_intake import retry_command, worker_command
from api._cli_search import reindex_command, search_command
from archive import (
    SYSTEM,
    Document,
    Role,
    create_token,
    open_database,
    open_object_store,
    record_event,
    verify_chain,
)
from core import get_settings


@click.group()
def main() -> None:
    """yekuo: the 业扩报装 document and archive system."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the HTTP API and web UI on the configured backends."""
    uvicorn.run(create_app(get_settings()), host=host, port=port)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command()
def upgrade() -> None:
    """Apply every pending migration."""
    with open_database(get_settings()) as database:
        database.upgrade()
    click.echo("database is up to date")


@main.group()
def token() -> None:
    """API tokens."""


@token.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", required=True, help="who or what holds the token")
def token_create(role: str, name: str) -> None:
    """Print a new API token (only its hash is stored)."""
    with open_database(get_settings()) as database:
        database.upgrade()
        with database.transaction() as session:
            row, secret = create_token(session, name=name, role=Role(role), created_by="cli")
            record_event(
                session,
                actor=SYSTEM,
                action="token.create",
                entity_type="token",
                entity_id=str(row.id),
                after={"name": row.name, "role": row.role, "created_by": "cli"},
            )
    click.echo(secret)


@main.command()
def verify() -> None:
    """Fixity: re-hash every stored original and re-compute the audit chain."""
    settings = get_settings()
    failures = 0
    with open_database(settings) as database, database.transaction() as session:
        store = open_object_store(settings)
        try:
            for document in session.scalars(select(Document).order_by(Document.created_at)):
                if store.head(document.sha256) is None or not store.verify(document.sha256):
                    failures += 1
                    click.echo(
                        f"DAMAGED document {document.id} ({document.original_filename}) "
                        f"sha256 {document.sha256}: restore it from a backup"
                    )
        finally:
            store.close()
        report = verify_chain(session)
    click.echo(f"audit chain: {report.events} events, {report.message}")
    if failures or not report.intact:
        sys.exit(1)
    click.echo("all originals intact")


main.add_command(import_command)
main.add_command(search_command)
main.add_command(reindex_command)
main.add_command(inspect_command)
main.add_command(check_command)
main.add_command(worker_command)
main.add_command(retry_command)
main.add_command(cases_command)
