"""From the database to the index: what an archived document looks like to search, rebuilds.

The database is the truth and the index is derived, so every function here reads documents
from the database and records in ``Document.index_status`` whether the index holds them:
``pending`` (not yet, or a rebuild is under way), ``indexed``, or ``failed`` (retry later);
a trashed document goes ``pending`` again until it is ``removed`` from the index.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, object_session

from archive import Document, DocumentStatus, UnitTree, unit_tree
from search._errors import SearchError, SearchUnavailableError
from search._models import IndexedDocument
from search._protocol import SearchIndex

log = logging.getLogger("yekuo.search")

DATE_FIELDS = ("signed_date", "date", "valid_from", "established_date")
"""Fields whose value is the date a document shows, most relevant first."""
BATCH = 500
PENDING, INDEXED, FAILED = "pending", "indexed", "failed"
REMOVED = "removed"
"""The index_status of a trashed document once the index no longer holds it."""


def document_date(fields: dict[str, Any]) -> dt.date | None:
    """The date the document shows: the first ISO date among ``DATE_FIELDS``, else None."""
    for name in DATE_FIELDS:
        value = fields.get(name)
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                continue
    return None


def _field_values(fields: dict[str, Any]) -> dict[str, str]:
    """The fields as text; nested values (lists, objects) are not searchable and are left out."""
    return {
        name: value if isinstance(value, str) else str(value)
        for name, value in fields.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    }


def indexed_document(document: Document, *, tree: UnitTree | None = None) -> IndexedDocument:
    """What the index holds of ``document``: its case facets and unit path, text, fields and
    date. ``tree`` is the organisation tree, read from the document's session when not given
    (a batch reads it once)."""
    case = document.case
    fields = document.fields or {}
    if tree is None:
        session = object_session(document)
        if session is None:
            raise ValueError(f"document {document.id} is not in a session: pass the unit tree")
        tree = unit_tree(session)
    return IndexedDocument(
        document_id=document.id,
        case_no=case.case_no,
        doc_type=document.doc_type or "other",
        stage=document.stage,
        category=case.category,
        business_type=case.business_type,
        customer_name=case.customer.name,
        units=tree.path(case.unit),
        date=document_date(fields),
        text=document.text or "",
        fields=_field_values(fields),
    )


def _finished(session: Session, *, after: str, pending_only: bool) -> list[Document]:
    """The next batch of finished documents by id after ``after`` (only unindexed ones if
    ``pending_only``), with their cases loaded."""
    query = (
        select(Document)
        .options(joinedload(Document.case))
        .where(Document.status == DocumentStatus.done.value, Document.id > after)
        .order_by(Document.id)
        .limit(BATCH)
    )
    if pending_only:
        query = query.where(Document.index_status.in_((PENDING, FAILED)))
    return list(session.scalars(query).unique())


def _mark(session: Session, ids: list[str], status: str) -> None:
    """Record ``status`` for the documents ``ids`` and commit."""
    if ids:
        session.execute(
            update(Document).where(Document.id.in_(ids)).values(index_status=status),
            execution_options={"synchronize_session": False},
        )
    session.commit()


def reindex(session: Session, index: SearchIndex) -> int:
    """Rebuild ``index`` from every finished document; return how many it now holds.

    Documents are marked ``pending`` before the index is cleared and ``indexed`` batch by
    batch (each batch committed), so if the rebuild stops midway the rest stay pending for
    ``index_pending``. Index errors are raised: a rebuild that fails must be seen.
    """
    session.execute(
        update(Document)
        .where(Document.status == DocumentStatus.done.value)
        .values(index_status=PENDING),
        execution_options={"synchronize_session": False},
    )
    session.commit()
    index.clear()
    count = 0
    batch = _finished(session, after="", pending_only=False)
    while batch:
        tree = unit_tree(session)
        count += index.index_many(indexed_document(d, tree=tree) for d in batch)
        _mark(session, [document.id for document in batch], INDEXED)
        batch = _finished(session, after=batch[-1].id, pending_only=False)
    return count


def index_pending(session: Session, index: SearchIndex) -> int:
    """Index the finished documents still ``pending`` or ``failed``; return how many succeeded.

    Never raises for an index failure: the documents concerned are marked ``failed`` (and
    stay in the database) for the next try. Each batch is committed. Documents removed to the
    trash since are taken out of the index first.
    """
    _remove_trashed(session, index)
    count = 0
    batch = _finished(session, after="", pending_only=True)
    while batch:
        indexed, failed = _index_batch(index, batch, tree=unit_tree(session))
        _mark(session, indexed, INDEXED)
        _mark(session, failed, FAILED)
        count += len(indexed)
        if len(failed) == len(batch):
            break  # the index is down or refuses everything: leave the rest for later
        batch = _finished(session, after=batch[-1].id, pending_only=True)
    return count


def _remove_trashed(session: Session, index: SearchIndex) -> None:
    """Take the trashed documents not yet out of the index out of it (``removed``); on an
    index failure they stay ``failed`` for the next try."""
    waiting = select(Document.id).where(
        Document.status == DocumentStatus.trashed.value,
        Document.index_status.in_((PENDING, FAILED)),
    )
    removed: list[str] = []
    failed: list[str] = []
    for document_id in session.scalars(waiting.limit(BATCH)):
        try:
            index.delete(document_id)
        except SearchError as error:
            log.warning(
                "removing trashed document %s from the index failed: %s", document_id, error
            )
            failed.append(document_id)
        else:
            removed.append(document_id)
    _mark(session, removed, REMOVED)
    _mark(session, failed, FAILED)


def _index_batch(
    index: SearchIndex, batch: list[Document], *, tree: UnitTree
) -> tuple[list[str], list[str]]:
    """Index ``batch`` in bulk, or one by one when the bulk fails; ids indexed and failed."""
    try:
        index.index_many(indexed_document(document, tree=tree) for document in batch)
    except SearchUnavailableError as error:
        log.warning("the search index is unavailable, %d documents wait: %s", len(batch), error)
        return [], [document.id for document in batch]
    except (SearchError, ValueError) as error:
        log.warning("indexing a batch failed, retrying one by one: %s", error)
    else:
        return [document.id for document in batch], []
    indexed: list[str] = []
    failed: list[str] = []
    for document in batch:
        try:
            index.index(indexed_document(document, tree=tree))
        except (SearchError, ValueError) as error:
            log.warning("indexing document %s failed, will retry: %s", document.id, error)
            failed.append(document.id)
        else:
            indexed.append(document.id)
    return indexed, failed
