"""``yekuo worker`` (a huey consumer running intake jobs), ``yekuo retry`` (re-queue failed) and
``yekuo release`` (free a stuck job)."""

from __future__ import annotations

import click
from sqlalchemy import select

from archive import (
    SYSTEM,
    Database,
    Document,
    DocumentStatus,
    get_document,
    open_database,
    open_object_store,
    release_document,
    remove_orphaned_temporaries,
    retry_document,
)
from core import get_settings
from search import open_search_index
from worker import IntakeQueue, run_until_signalled, worker_parts


@click.command("worker")
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    help="intake threads in this process (default YEKUO_INTAKE_WORKERS)",
)
def worker_command(threads: int | None) -> None:
    """Run intake jobs until stopped (SIGTERM or Ctrl-C ends them after their current job)."""
    settings = get_settings()
    count = threads or max(settings.intake_workers, 1)
    with open_database(settings) as database, open_search_index(settings) as index:
        database.upgrade()
        remove_orphaned_temporaries(settings.resolved_tmp_dir)
        store = open_object_store(settings)
        parts = worker_parts(settings, database=database, store=store, index=index)
        queue = IntakeQueue(settings, parts=parts)
        try:
            consumer = queue.consumer(threads=count, shutdown_seconds=None)
            signum = run_until_signalled(
                consumer,
                started=lambda: click.echo(
                    f"{count} intake workers running; stop with Ctrl-C", err=True
                ),
            )
            click.echo(f"stopped after the current jobs (signal {signum})", err=True)
        finally:
            queue.close()
            store.close()


@click.command("retry")
@click.option("--all-failed", is_flag=True, help="re-queue every failed document")
@click.argument("document_ids", nargs=-1, metavar="[DOCUMENT_ID]...")
def retry_command(all_failed: bool, document_ids: tuple[str, ...]) -> None:
    """Queue failed documents for intake again, now (their attempts start over)."""
    if all_failed == bool(document_ids):
        raise click.UsageError("give either --all-failed or one or more DOCUMENT_IDs")
    settings = get_settings()
    with open_database(settings) as database:
        database.upgrade()
        retried = _retry(database, document_ids if not all_failed else None)
    queue = IntakeQueue(settings)
    try:
        for document_id in retried:
            queue.enqueue(document_id)
    finally:
        queue.close()
    click.echo(f"{len(retried)} documents queued for intake again")


@click.command("release")
@click.option("--reason", required=True, help="why the job is freed (kept in the audit trail)")
@click.argument("document_id")
def release_command(reason: str, document_id: str) -> None:
    """Free a document's stuck intake job and queue it again now (its worker's result is lost)."""
    settings = get_settings()
    with open_database(settings) as database:
        database.upgrade()
        with database.transaction() as session:
            document = get_document(session, document_id=document_id, actor=SYSTEM)
            release_document(session, document, actor=SYSTEM, reason=reason)
    queue = IntakeQueue(settings)
    try:
        queue.enqueue(document_id)
    finally:
        queue.close()
    click.echo(f"document {document_id} released and queued for intake again")


def _retry(database: Database, document_ids: tuple[str, ...] | None) -> list[str]:
    """Re-queue these documents, or every failed one, in one transaction; their ids."""
    with database.transaction() as session:
        if document_ids is None:
            documents = list(
                session.scalars(
                    select(Document)
                    .where(Document.status == DocumentStatus.failed.value)
                    .order_by(Document.created_at, Document.id)
                )
            )
        else:
            documents = [get_document(session, document_id=d, actor=SYSTEM) for d in document_ids]
        for document in documents:
            retry_document(session, document, actor=SYSTEM)
        return [document.id for document in documents]
