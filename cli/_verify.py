"""``yekuo verify``: fixity of every stored original and of the anchored audit trail.

Each damaged original is marked on its document (``archive.mark_damaged``), and the mark of one
found whole again (restored from a backup) is resolved, so the pages and ``/healthz`` say so.
"""

from __future__ import annotations

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import (
    SYSTEM,
    DamageFound,
    Document,
    FixityError,
    ObjectStore,
    clear_damage,
    load_audit_key,
    mark_damaged,
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
    with open_database(settings) as database:
        store = open_object_store(settings)
        try:
            with database.transaction() as session:
                report = verify_audit(session, store=store, key=key)
                damaged = _check_originals(session, store)
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


def _check_originals(session: Session, store: ObjectStore) -> int:
    """Re-hash every original, mark the damaged and clear the restored; how many are damaged."""
    damaged = 0
    # A purged document's original was destroyed on purpose, after the trash period.
    kept = select(Document).where(Document.purged_at.is_(None))
    for document in session.scalars(kept.order_by(Document.created_at)):
        found = _damage_of(store, document.sha256)
        if found is None:
            if clear_damage(session, document=document, actor=SYSTEM):
                click.echo(f"restored document {document.id} ({document.original_filename})")
            continue
        mark_damaged(session, document=document, actor=SYSTEM, found=found)
        damaged += 1
        click.echo(
            f"DAMAGED document {document.id} ({document.original_filename}) "
            f"sha256 {document.sha256}: restore it from a backup"
        )
    return damaged


def _damage_of(store: ObjectStore, sha256: str) -> DamageFound | None:
    """What is wrong with the stored original ``sha256``; None when it is whole."""
    if store.head(sha256) is None:
        return "missing"
    return None if store.verify(sha256) else "altered"
