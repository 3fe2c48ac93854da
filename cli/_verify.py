"""``yekuo verify``: fixity of every stored original and of the audit chain."""

from __future__ import annotations

import sys

import click
from sqlalchemy import select

from archive import Document, open_database, open_object_store, verify_chain
from core import get_settings


@click.command("verify")
def verify_command() -> None:
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
