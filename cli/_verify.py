"""``yekuo verify``: fixity of every stored original and of the anchored audit trail."""

from __future__ import annotations

import click
from sqlalchemy import select

from archive import (
    Document,
    FixityError,
    load_audit_key,
    open_database,
    open_object_store,
    verify_audit,
    write_checkpoint,
)
from core import get_settings


@click.command("verify")
def verify_command() -> None:
    """Fixity: re-hash every stored original, re-compute the audit chain against its checkpoints.

    When everything is intact, the newest audit events are anchored by a new checkpoint. Exits
    6 when an original or the audit trail is damaged (each is named).
    """
    settings = get_settings()
    key = load_audit_key(settings.resolved_audit_key_file)
    damaged = 0
    with open_database(settings) as database:
        store = open_object_store(settings)
        try:
            with database.transaction() as session:
                for document in session.scalars(select(Document).order_by(Document.created_at)):
                    if store.head(document.sha256) is None or not store.verify(document.sha256):
                        damaged += 1
                        click.echo(
                            f"DAMAGED document {document.id} ({document.original_filename}) "
                            f"sha256 {document.sha256}: restore it from a backup"
                        )
                report = verify_audit(session, store=store, key=key)
            click.echo(f"audit chain: {report.events} events, {report.message}")
            if damaged or not report.intact:
                trail = "intact" if report.intact else "broken"
                raise FixityError(
                    f"{damaged} damaged originals, audit trail {trail}: restore what is named "
                    "above from a backup, then run `yekuo verify` again"
                )
            with database.transaction() as session:
                write_checkpoint(session, store=store, key=key)
        finally:
            store.close()
    click.echo("all originals intact")
