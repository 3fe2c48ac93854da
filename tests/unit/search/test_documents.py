"""From database rows to the index: the indexed form, rebuilds, and retries that never lose."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import SYSTEM, Case, CaseCreate, Database, Document, create_case
from core import Settings
from search import (
    ElasticsearchSearchIndex,
    IndexedDocument,
    SearchError,
    SearchQuery,
    SearchUnavailableError,
    SqliteSearchIndex,
    document_date,
    index_pending,
    indexed_document,
    open_search_index,
    reindex,
)
from tests.e2e.helpers import VALID_ID, case_body


class FaultyIndex(SqliteSearchIndex):
    """An embedded index refusing some documents, or all of them when ``down``."""

    def __init__(self, path: Path, *, refuse: frozenset[str] = frozenset(), down: bool = False):
        super().__init__(path)
        self.refuse, self.down = refuse, down

    def _fault(self, document: IndexedDocument) -> None:
        if self.down:
            raise SearchUnavailableError("simulated outage of the search index")
        if document.document_id in self.refuse:
            raise SearchError(f"simulated refusal of document {document.document_id}")

    def index(self, document: IndexedDocument) -> None:
        self._fault(document)
        super().index(document)

    def index_many(self, documents: Iterable[IndexedDocument]) -> int:
        batch = list(documents)
        for document in batch:
            self._fault(document)
        return super().index_many(batch)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    """A session on a migrated database holding one case of 王小明."""
    with Database(settings.resolved_database_url) as database:
        database.upgrade()
        with database.session() as session:
            create_case(session, data=CaseCreate.model_validate(case_body("YK-9")), actor=SYSTEM)
            session.commit()
            yield session


def _add(session: Session, document_id: str, *, status: str = "done", **values: object) -> None:
    case_id = session.scalars(select(Case.id)).one()
    session.add(
        Document(
            id=document_id,
            case_id=case_id,
            sha256=document_id.ljust(64, "0"),
            size_bytes=1,
            media_type="image/png",
            status=status,
            uploaded_by="test",
            **values,
        )
    )
    session.commit()


def _statuses(session: Session) -> dict[str, str]:
    session.expire_all()
    return {doc.id: doc.index_status for doc in session.scalars(select(Document))}


def test_indexed_document_carries_the_case_text_fields_and_date(session: Session) -> None:
    _add(
        session,
        "a1",
        doc_type="supply_contract",
        stage="connection",
        text="供用电合同 用电人 王小明",
        fields={"contract_no": "GD-HT-1", "signed_date": "2026-04-10", "pages": 3, "x": [1]},
    )
    indexed = indexed_document(session.scalars(select(Document)).one())
    assert indexed.case_no == "YK-9"
    assert indexed.units == ("TOP",)  # the case's unit path: the top unit holds it
    assert indexed.customer_name == "王小明"
    assert (indexed.category, indexed.stage, indexed.doc_type) == (
        "residential",
        "connection",
        "supply_contract",
    )
    assert indexed.date == dt.date(2026, 4, 10)
    assert indexed.fields == {"contract_no": "GD-HT-1", "signed_date": "2026-04-10", "pages": "3"}


def test_document_date_prefers_the_most_relevant_field() -> None:
    assert document_date({"valid_from": "2020-01-15", "date": "2026-01-02"}) == dt.date(2026, 1, 2)
    assert document_date({"date": "不详", "valid_from": "2020-01-15"}) == dt.date(2020, 1, 15)
    assert document_date({"birth_date": "1990-03-07"}) is None


def test_reindex_rebuilds_from_finished_documents(session: Session, tmp_path: Path) -> None:
    _add(session, "a1", doc_type="id_card", text="姓名 王小明", fields={"id_number": VALID_ID})
    _add(session, "a2", doc_type="application_form", text="客户名称 王小明")
    _add(session, "a3", status="queued")
    with SqliteSearchIndex(tmp_path / "search.db") as index:
        index.index(IndexedDocument(document_id="stale", case_no="YK-0", doc_type="other"))
        assert reindex(session, index) == 2
        assert index.count() == 2
        hits = index.search(SearchQuery(q=VALID_ID.lower())).hits
        assert [hit.document_id for hit in hits] == ["a1"]
    assert _statuses(session) == {"a1": "indexed", "a2": "indexed", "a3": "pending"}


def test_an_outage_marks_documents_failed_and_a_retry_indexes_them(
    session: Session, tmp_path: Path
) -> None:
    _add(session, "a1", doc_type="id_card", text="姓名 王小明")
    _add(session, "a2", doc_type="other", text="情况说明")
    with FaultyIndex(tmp_path / "search.db", down=True) as down:
        assert index_pending(session, down) == 0
    assert _statuses(session) == {"a1": "failed", "a2": "failed"}
    with SqliteSearchIndex(tmp_path / "search.db") as index:
        assert index_pending(session, index) == 2
        assert index_pending(session, index) == 0
        assert index.count() == 2
    assert _statuses(session) == {"a1": "indexed", "a2": "indexed"}


def test_one_refused_document_does_not_hold_back_the_others(
    session: Session, tmp_path: Path
) -> None:
    for name in ("a1", "a2", "a3"):
        _add(session, name, doc_type="other", text=f"说明 {name}")
    with FaultyIndex(tmp_path / "search.db", refuse=frozenset({"a2"})) as index:
        assert index_pending(session, index) == 2
        assert {hit.document_id for hit in index.search(SearchQuery()).hits} == {"a1", "a3"}
    assert _statuses(session) == {"a1": "indexed", "a2": "failed", "a3": "indexed"}


def test_the_factory_follows_the_settings(settings: Settings) -> None:
    with open_search_index(settings) as embedded:
        assert isinstance(embedded, SqliteSearchIndex)
        assert embedded.check().location == str(settings.data_dir / "search.db")
    chosen = settings.model_copy(
        update={"search_backend": "elasticsearch", "elasticsearch_url": "http://127.0.0.1:9"}
    )
    with open_search_index(chosen) as remote:
        assert isinstance(remote, ElasticsearchSearchIndex)
        with pytest.raises(SearchUnavailableError, match=r"127\.0\.0\.1:9\b"):
            remote.check()
