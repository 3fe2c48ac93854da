"""The 卷内目录 of an archived case: its documents in order, with what a catalogue lists.

顺序号 counts the documents from 1 in the order they were filed (a stack's parts in their
order); 起止页号 runs on over the whole 件 (``1-2``, ``3-3`` ...). Only documents intake read
(``done``) are catalogued: a stack is its parts, a failed upload is not a record.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from archive._vocabulary import DOC_TYPE_LABELS_ZH, DocumentStatus, Retention
from archive.db._models import Case, Document
from archive.rules._model import RuleBook

_DATE_FIELDS = ("signed_date", "date", "valid_from", "established_date")
_UTILITY_AUTHOR_FIELDS = ("supplier", "design_unit")


class CatalogueEntry(BaseModel):
    """One line of the 卷内目录."""

    sequence: int = Field(description="顺序号, from 1")
    document_id: str
    doc_type: str
    title: str = Field(description="题名")
    author: str = Field(description="责任者")
    date: dt.date = Field(description="日期: the document's own date, else when it was filed")
    pages: int = Field(description="页数")
    page_range: str = Field(description="起止页号 within the 件, e.g. 3-4")
    retention: Retention = Field(description="保管期限")


def catalogued_documents(case: Case) -> list[Document]:
    """The documents of the case a catalogue lists, in their order."""
    done = [d for d in case.documents if d.status == DocumentStatus.done.value]
    return sorted(done, key=lambda d: (d.created_at, d.parent_id or d.id, d.part))


def catalogue(case: Case, *, book: RuleBook) -> list[CatalogueEntry]:
    """The 卷内目录 of ``case``."""
    entries = []
    first_page = 1
    for sequence, document in enumerate(catalogued_documents(case), start=1):
        pages = document_pages(document)
        label = book.document_types.get(document.doc_type or "") or DOC_TYPE_LABELS_ZH.get(
            document.doc_type or "other", "其他"
        )
        entries.append(
            CatalogueEntry(
                sequence=sequence,
                document_id=document.id,
                doc_type=document.doc_type or "other",
                title=f"{case.customer.name}{label}",
                author=_author(case, document),
                date=_date(document),
                pages=len(pages),
                page_range=f"{first_page}-{first_page + len(pages) - 1}",
                retention=book.retention_of(document.doc_type),
            )
        )
        first_page += len(pages)
    return entries


def document_pages(document: Document) -> list[int]:
    """The pages of the original (1-based) this document is: a part's range, else all."""
    if document.page_first is not None and document.page_last is not None:
        return list(range(document.page_first, document.page_last + 1))
    return list(range(1, (document.pages or 1) + 1))


def case_retention(entries: list[CatalogueEntry]) -> Retention:
    """The 保管期限 of the 件: the longest of its documents' (permanent if it has none)."""
    order = [Retention.permanent, Retention.years_30, Retention.years_10]
    return min((e.retention for e in entries), key=order.index, default=Retention.permanent)


def _author(case: Case, document: Document) -> str:
    for name in _UTILITY_AUTHOR_FIELDS:
        value = document.fields.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return case.customer.name


def _date(document: Document) -> dt.date:
    for name in _DATE_FIELDS:
        value = document.fields.get(name)
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                continue
    return document.created_at.date()
