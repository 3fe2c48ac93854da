"""The embedded search index: SQLite FTS5 in one file (by default ``data_dir/search.db``).

Chinese is handled before SQLite sees it: every run of Han characters is written as
overlapping bigrams into the ``names``/``body`` columns and as single characters into the
``names_uni``/``body_uni`` columns (``search._normalize``). A query term of two or more
characters is a phrase of bigrams (``王小明`` → ``"王小 小明"``), so it matches exactly the
documents holding that sequence; a one-character term searches the unigram columns. This
mirrors Elasticsearch's ``cjk_bigram`` so both backends return the same hits, and it was
preferred over the ``trigram`` tokenizer, which cannot serve two-character names (the most
common query) without a full ``LIKE`` scan.

The FTS table is contentless (the tokens are not stored twice); a document is removed by
re-deriving its tokens from the stored payload, which is why the payload and a tokenizer
version are kept: a file built by another tokenizer version is refused, not corrupted.
The payload has a table of its own so that the joins over every match (facets, filters,
ordering) read compact ``docs`` rows; only the payloads of the page are read, for highlights.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from search._errors import SearchError, SearchUnavailableError
from search._highlight import highlight_document
from search._models import (
    IndexedDocument,
    IndexHealth,
    SearchFacets,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from search._normalize import bigram_tokens, identifier_key, unigram_tokens
from search._plan import (
    NAME_WEIGHT,
    SCORE_FIELD_ID,
    SCORE_ID_PREFIX,
    SCORE_ID_TEXT,
    SCORE_NAME_EXACT,
    SCORE_TEXT_ID,
    QueryPlan,
    document_parts,
    plan_query,
)

SCHEMA_VERSION = "2"
KIND_TEXT_ID, KIND_FIELD_ID, KIND_NAME = 1, 2, 3
BATCH = 1000

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    document_id TEXT NOT NULL UNIQUE,
    case_no TEXT NOT NULL,
    case_key TEXT NOT NULL,
    doc_type TEXT NOT NULL,
    stage TEXT NOT NULL,
    category TEXT NOT NULL,
    date TEXT
);
CREATE TABLE IF NOT EXISTS payloads (doc INTEGER PRIMARY KEY, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_case ON docs (case_key);
CREATE INDEX IF NOT EXISTS docs_facets ON docs (doc_type, stage);
CREATE INDEX IF NOT EXISTS docs_date ON docs (date);
CREATE TABLE IF NOT EXISTS keys (
    key TEXT NOT NULL, kind INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (key, kind, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_doc ON keys (doc);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (
    names, names_uni, body, body_uni,
    content='', tokenize='unicode61 remove_diacritics 0'
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}');
"""

_IDENT_MATCHED = f"""
SELECT doc, SUM(s) AS score FROM (
    SELECT doc,
        MAX(CASE WHEN key = :key AND kind = {KIND_FIELD_ID} THEN {SCORE_FIELD_ID} ELSE 0 END)
        + MAX(CASE WHEN key = :key AND kind = {KIND_TEXT_ID} THEN {SCORE_TEXT_ID} ELSE 0 END)
        + {SCORE_ID_PREFIX} AS s
    FROM keys WHERE key >= :key AND key < :key_end AND kind IN ({KIND_TEXT_ID}, {KIND_FIELD_ID})
    GROUP BY doc
    UNION ALL
    SELECT rowid, {SCORE_ID_TEXT} FROM fts WHERE fts MATCH :match
) GROUP BY doc
"""
_TEXT_MATCHED = f"""
SELECT rowid AS doc, -bm25(fts, {NAME_WEIGHT}, {NAME_WEIGHT}, 1.0, 1.0)
    + CASE WHEN EXISTS (SELECT 1 FROM keys WHERE key = :name AND kind = {KIND_NAME}
                        AND doc = fts.rowid) THEN {SCORE_NAME_EXACT} ELSE 0 END AS score
FROM fts WHERE fts MATCH :match
"""
_TEXT_MATCHED_UNSCORED = "SELECT rowid AS doc, 0 AS score FROM fts WHERE fts MATCH :match"
_ALL_MATCHED = "SELECT rowid AS doc, 0 AS score FROM docs"


def _phrase(tokens: Iterable[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def fts_match(plan: QueryPlan) -> str:
    """The FTS5 expression for ``plan``: every term required, Han runs as bigram phrases."""
    clauses: list[str] = []
    for term in plan.terms:
        if term.kind == "han" and len(term.text) == 1:
            clauses.append(f"{{names_uni body_uni}} : {_phrase([term.text])}")
        else:
            clauses.append(f"{{names body}} : {_phrase(bigram_tokens(term.text))}")
    return " AND ".join(clauses)


def _fts_values(document: IndexedDocument) -> tuple[str, str, str, str]:
    parts = document_parts(document)
    body = [document.text, *parts.extra]
    return (
        " ".join(token for name in parts.names for token in bigram_tokens(name)),
        " ".join(token for name in parts.names for token in unigram_tokens(name)),
        " ".join(token for value in body for token in bigram_tokens(value)),
        " ".join(token for value in body for token in unigram_tokens(value)),
    )


def _filters(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if query.case_no is not None:
        clauses.append("d.case_key = :f_case")
        params["f_case"] = identifier_key(query.case_no)
    for name in ("doc_type", "stage", "category"):
        value = getattr(query, name)
        if value is not None:
            clauses.append(f"d.{name} = :f_{name}")
            params[f"f_{name}"] = value
    if query.date_from is not None:
        clauses.append("d.date >= :f_from")
        params["f_from"] = query.date_from.isoformat()
    if query.date_to is not None:
        clauses.append("d.date <= :f_to")
        params["f_to"] = query.date_to.isoformat()
    return (" AND ".join(clauses) or "1"), params


def _matched(plan: QueryPlan, *, scored: bool) -> tuple[str, dict[str, Any]]:
    """SQL yielding ``(doc, score)`` for every document matching ``plan``."""
    if plan.browse:
        return _ALL_MATCHED, {}
    if plan.identifier is not None:
        key = plan.identifier
        match = f"{{names body}} : {_phrase(bigram_tokens(plan.phrase))}"
        return _IDENT_MATCHED, {"key": key, "key_end": key + "\x7f", "match": match}
    if not scored:
        return _TEXT_MATCHED_UNSCORED, {"match": fts_match(plan)}
    return _TEXT_MATCHED, {"match": fts_match(plan), "name": plan.name_key}


def _order(plan: QueryPlan, docs: str, matches: str) -> str:
    """ORDER BY terms: newest first when browsing, else best first; ties by document_id."""
    if plan.browse:
        return f"{docs}.date IS NULL, {docs}.date DESC, {docs}.document_id"
    return f"{matches}.score DESC, {docs}.document_id"


class SqliteSearchIndex:
    """``SearchIndex`` in a SQLite file with FTS5; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._conn = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA cache_size = -65536")
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except (OSError, sqlite3.Error) as exc:
            raise SearchUnavailableError(
                f"cannot open the search index {path}: {exc}; check that the data directory "
                "is writable and the file is a yekuo search index (delete it and run reindex)"
            ) from exc
        if row is None or row[0] != SCHEMA_VERSION:
            conn.close()
            raise SearchUnavailableError(
                f"the search index {path} was built by another yekuo version (schema "
                f"{row[0] if row else 'unknown'}, expected {SCHEMA_VERSION}); delete the file "
                "and run reindex"
            )
        return conn

    @contextmanager
    def _guard(self, action: str, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """Serialise access, run a transaction when writing, and translate sqlite errors."""
        with self._lock:
            try:
                if write:
                    self._conn.execute("BEGIN IMMEDIATE")
                yield self._conn
                if write:
                    self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if write and self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise SearchError(
                    f"the search index {self._path} failed to {action}: {exc}; retry, and if "
                    "it persists delete the file and run reindex"
                ) from exc

    def _remove(self, conn: sqlite3.Connection, document_id: str) -> bool:
        row = conn.execute(
            "SELECT d.rowid, p.payload FROM docs d JOIN payloads p ON p.doc = d.rowid "
            "WHERE d.document_id = ?",
            (document_id,),
        ).fetchone()
        if row is None:
            return False
        rowid, payload = row
        old = IndexedDocument.model_validate_json(payload)
        conn.execute(
            "INSERT INTO fts (fts, rowid, names, names_uni, body, body_uni) "
            "VALUES ('delete', ?, ?, ?, ?, ?)",
            (rowid, *_fts_values(old)),
        )
        conn.execute("DELETE FROM keys WHERE doc = ?", (rowid,))
        conn.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
        conn.execute("DELETE FROM payloads WHERE doc = ?", (rowid,))
        return True

    def _insert(self, conn: sqlite3.Connection, document: IndexedDocument) -> None:
        self._remove(conn, document.document_id)
        cursor = conn.execute(
            "INSERT INTO docs (document_id, case_no, case_key, doc_type, stage, category, "
            "date) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                document.document_id,
                document.case_no,
                identifier_key(document.case_no),
                document.doc_type,
                document.stage,
                document.category,
                document.date.isoformat() if document.date else None,
            ),
        )
        rowid = cursor.lastrowid
        conn.execute(
            "INSERT INTO payloads (doc, payload) VALUES (?, ?)", (rowid, document.model_dump_json())
        )
        conn.execute(
            "INSERT INTO fts (rowid, names, names_uni, body, body_uni) VALUES (?, ?, ?, ?, ?)",
            (rowid, *_fts_values(document)),
        )
        parts = document_parts(document)
        keys = [(key, KIND_FIELD_ID, rowid) for key in parts.field_ids]
        keys += [(key, KIND_TEXT_ID, rowid) for key in parts.text_ids]
        keys += [(key, KIND_NAME, rowid) for key in parts.name_keys]
        conn.executemany("INSERT OR IGNORE INTO keys (key, kind, doc) VALUES (?, ?, ?)", keys)

    def index(self, document: IndexedDocument) -> None:
        """Insert or replace one document."""
        with self._guard(f"index document {document.document_id}", write=True) as conn:
            self._insert(conn, document)

    def index_many(self, documents: Iterable[IndexedDocument]) -> int:
        """Insert or replace many documents, committing every ``BATCH``; return how many."""
        count = 0
        batch: list[IndexedDocument] = []
        for document in documents:
            batch.append(document)
            if len(batch) == BATCH:
                count += self._index_batch(batch)
                batch = []
        return count + self._index_batch(batch)

    def _index_batch(self, batch: list[IndexedDocument]) -> int:
        if not batch:
            return 0
        first = batch[0].document_id
        with self._guard(f"index {len(batch)} documents from {first}", write=True) as conn:
            for document in batch:
                self._insert(conn, document)
        return len(batch)

    def delete(self, document_id: str) -> bool:
        """Remove one document; return whether it was indexed."""
        with self._guard(f"delete document {document_id}", write=True) as conn:
            return self._remove(conn, document_id)

    def clear(self) -> None:
        """Remove every document."""
        with self._guard("clear the index", write=True) as conn:
            conn.execute("DELETE FROM keys")
            conn.execute("DELETE FROM docs")
            conn.execute("DELETE FROM payloads")
            conn.execute("INSERT INTO fts (fts) VALUES ('delete-all')")

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``: total, one page of hits with highlights, and facets."""
        plan = plan_query(query)
        if plan.nothing:
            return SearchResult(total=0)
        with self._guard(f"search for {query.q!r}") as conn:
            facets, total = self._facets(conn, plan, query)
            hits = self._page(conn, plan, query) if total and query.limit else []
        return SearchResult(total=total, hits=hits, facets=facets)

    def _facets(
        self, conn: sqlite3.Connection, plan: QueryPlan, query: SearchQuery
    ) -> tuple[SearchFacets, int]:
        matched, params = _matched(plan, scored=False)
        where, filter_params = _filters(query)
        rows = conn.execute(
            f"WITH m AS ({matched}) SELECT d.doc_type, d.stage, COUNT(*) FROM m "
            f"JOIN docs d ON d.rowid = m.doc WHERE {where} GROUP BY d.doc_type, d.stage",
            params | filter_params,
        ).fetchall()
        by_type: dict[str, int] = {}
        by_stage: dict[str, int] = {}
        for doc_type, stage, n in rows:
            by_type[doc_type] = by_type.get(doc_type, 0) + n
            if stage:
                by_stage[stage] = by_stage.get(stage, 0) + n
        return SearchFacets(doc_type=by_type, stage=by_stage), sum(row[2] for row in rows)

    def _page(
        self, conn: sqlite3.Connection, plan: QueryPlan, query: SearchQuery
    ) -> list[SearchHit]:
        matched, params = _matched(plan, scored=True)
        where, filter_params = _filters(query)
        # The payloads (large) are read for the page only, after the matches are ordered.
        rows = conn.execute(
            f"WITH m AS ({matched}), page AS (SELECT d.rowid AS doc, d.document_id, d.case_no, "
            f"d.doc_type, m.score, d.date FROM m JOIN docs d ON d.rowid = m.doc WHERE {where} "
            f"ORDER BY {_order(plan, 'd', 'm')} LIMIT :limit OFFSET :offset) "
            "SELECT page.document_id, page.case_no, page.doc_type, page.score, p.payload "
            "FROM page JOIN payloads p ON p.doc = page.doc "
            f"ORDER BY {_order(plan, 'page', 'page')}",
            params | filter_params | {"limit": query.limit, "offset": query.offset},
        ).fetchall()
        return [
            SearchHit(
                document_id=document_id,
                case_no=case_no,
                doc_type=doc_type,
                score=float(score),
                highlights=[] if plan.browse else _highlights(payload, plan),
            )
            for document_id, case_no, doc_type, score, payload in rows
        ]

    def count(self, query: SearchQuery | None = None) -> int:
        """How many documents match ``query`` (all documents when ``None``)."""
        query = query or SearchQuery()
        plan = plan_query(query)
        if plan.nothing:
            return 0
        matched, params = _matched(plan, scored=False)
        where, filter_params = _filters(query)
        with self._guard(f"count matches of {query.q!r}") as conn:
            row = conn.execute(
                f"WITH m AS ({matched}) SELECT COUNT(*) FROM m "
                f"JOIN docs d ON d.rowid = m.doc WHERE {where}",
                params | filter_params,
            ).fetchone()
        return int(row[0])

    def check(self) -> IndexHealth:
        """Verify the file is readable and its FTS index consistent enough to query."""
        try:
            with self._guard("check the index") as conn:
                documents = conn.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
                conn.execute("SELECT rowid FROM fts WHERE fts MATCH 'x' LIMIT 1").fetchall()
        except SearchError as exc:
            raise SearchUnavailableError(exc.message) from exc
        return IndexHealth(backend="embedded", location=str(self._path), documents=documents)

    def optimize(self) -> None:
        """Merge the FTS segments into one (after a bulk load, for faster queries)."""
        with self._guard("optimize the index", write=True) as conn:
            conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")

    def close(self) -> None:
        """Close the database connection; safe to call twice."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        """Return the index itself."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the index."""
        self.close()


def _highlights(payload: str, plan: QueryPlan) -> list[str]:
    document = IndexedDocument.model_validate_json(payload)
    parts = document_parts(document)
    return highlight_document(document.text, [*parts.names, *parts.extra], plan)
