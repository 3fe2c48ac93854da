"""``yekuo trash purge``: destroy the originals left in the trash past the trash period."""

from __future__ import annotations

import click

from archive import SYSTEM, open_database, open_object_store, purge_expired
from core import get_settings


@click.group("trash")
def trash_group() -> None:
    """The trash of wrong uploads (removed on the document page or by DELETE /documents/{id})."""


@click.command("purge")
def purge_command() -> None:
    """Destroy the originals of documents trashed more than YEKUO_TRASH_DAYS (30) days ago.

    Each is audited ``document.purged``; an object another document still holds is kept. The intake
    workers run it daily at 02:17; a document inside the period is never touched.
    """
    settings = get_settings()
    with open_database(settings) as database:
        store = open_object_store(settings)
        try:
            with database.session() as session:
                report = purge_expired(session, store, days=settings.trash_days, actor=SYSTEM)
        finally:
            store.close()
    click.echo(
        f"purged {len(report.documents)} documents from the trash "
        f"(older than {settings.trash_days} days), {report.objects_deleted} originals destroyed"
    )


trash_group.add_command(purge_command)
