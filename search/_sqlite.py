"""The embedded search index: SQLite FTS5 in one file (by default ``data_dir/search.db``).

Chinese is handled before SQLite sees it: every run of Han characters is written as
overlapping bigrams into the ``words`` column and as single characters into the ``chars``
column (``search._normalize``). A query term of two or more characters is a phrase of bigrams
(``王小明`` → ``"王小 小明"``), so it matches exactly the documents holding that sequence; a
one-character term searches ``chars``. This mirrors Elasticsearch's ``cjk_bigram`` so both
backends return the same hits, and it was preferred over the ``trigram`` tokenizer, which
cannot serve two-character names (the most common query) without a full ``LIKE`` scan.

Two FTS tables: ``fts`` holds everything a document says (names, text, field values) and
finds the matches; ``names`` holds only the names and tells, per query term, whether a match
is in a name (the ranking tiers of ``search._plan``). A search counts the facets of its
matches on one connection and thread while it orders the page on another; ``docs.facet``
numbers each (doc_type, stage) pair so that counting groups by one integer.

The FTS tables are contentless (the tokens are not stored twice); a document is removed by
re-deriving its tokens from the stored payload, which is why the payload and a schema
version are kept: a file built by another version is refused, never read or written with this
layout, until ``clear`` (the first step of ``yekuo reindex``) rebuilds it. The payload has
a table of its own so that the joins over every match (facets, filters, ordering) read compact
``docs`` rows; only the payloads of the page are read, for highlights.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import Closing
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
from search._normalize import Segment, bigram_tokens, identifier_key, unigram_tokens
from search._plan import (
    SCORE_FIELD_ID,
    SCORE_ID_PREFIX,
    SCORE_ID_TEXT,
    SCORE_NAME_EXACT,
    SCORE_TERM_IN_NAME,
    SCORE_TERM_IN_TEXT,
    SCORE_TEXT_ID,
    DocumentParts,
    QueryPlan,
    document_parts,
    plan_query,
)

SCHEMA_VERSION = "4"
KIND_TEXT_ID, KIND_FIELD_ID, KIND_NAME = 1, 2, 3
BATCH = 1000

_TOKENIZE = "tokenize='unicode61 remove_diacritics 0'"
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
    units TEXT NOT NULL,
    facet INTEGER NOT NULL,
    date TEXT
);
CREATE TABLE IF NOT EXISTS facets (
    id INTEGER PRIMARY KEY, doc_type TEXT NOT NULL, stage TEXT NOT NULL,
    UNIQUE (doc_type, stage)
);
CREATE TABLE IF NOT EXISTS payloads (doc INTEGER PRIMARY KEY, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_case ON docs (case_key);
CREATE INDEX IF NOT EXISTS docs_facets ON docs (facet);
CREATE INDEX IF NOT EXISTS docs_date ON docs (date);
CREATE TABLE IF NOT EXISTS keys (
    key TEXT NOT NULL, kind INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (key, kind, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_doc ON keys (doc);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (words, chars, content='', {_TOKENIZE});
CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5 (words, chars, content='', {_TOKENIZE});
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
_ORDER = "score DESC, d.date IS NULL, d.date DESC, d.document_id"
"""Best tier first, then newest, then by id: the order of ``search._plan``."""
_FACET_NAMES = "SELECT f.doc_type, f.stage, c.n FROM ({counts}) c JOIN facets f ON f.id = c.facet"


def _phrase(tokens: Iterable[str]) -> str:
    return '"' + " ".join(tokens) + '"'


def _term_match(term: Segment) -> str:
    """The FTS5 expression for one term: a Han run as a bigram phrase, one Han as itself."""
    if term.kind == "han" and len(term.text) == 1:
        return f"chars : {_phrase([term.text])}"
    return f"words : {_phrase(bigram_tokens(term.text))}"


def fts_match(plan: QueryPlan) -> str:
    """The FTS5 expression for ``plan``: every term required."""
    return " AND ".join(_term_match(term) for term in plan.terms)


def _tokens(values: Iterable[str]) -> tuple[str, str]:
    values = list(values)
    return (
        " ".join(token for value in values for token in bigram_tokens(value)),
        " ".join(token for value in values for token in unigram_tokens(value)),
    )


def _fts_values(text: str, parts: DocumentParts) -> tuple[tuple[str, str], tuple[str, str]]:
    """The ``(words, chars)`` of a document's ``fts`` row and of its ``names`` row."""
    return _tokens([*parts.names, text, *parts.extra]), _tokens(parts.names)


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
    if query.unit is not None:
        # ``units`` is the path written /TOP/XA/GDS01/; unit codes never hold a slash
        clauses.append("instr(d.units, :f_unit) > 0")
        params["f_unit"] = f"/{query.unit}/"
    if query.date_from is not None:
        clauses.append("d.date >= :f_from")
        params["f_from"] = query.date_from.isoformat()
    if query.date_to is not None:
        clauses.append("d.date <= :f_to")
        params["f_to"] = query.date_to.isoformat()
    return (" AND ".join(clauses) or "1"), params


def _text_score(conn: sqlite3.Connection, plan: QueryPlan) -> tuple[str, dict[str, Any]]:
    """SQL scoring an ``fts`` row by the tiers of ``search._plan``, and its parameters.

    A tier that no document reaches (a term in no name, a query that is nobody's exact
    name: most phrases) is a constant, so large result sets are not probed row by row.
    """
    parts: list[str] = []
    params: dict[str, Any] = {}
    for number, term in enumerate(plan.terms):
        match = _term_match(term)
        if conn.execute("SELECT 1 FROM names WHERE names MATCH ? LIMIT 1", (match,)).fetchone():
            params[f"t{number}"] = match
            parts.append(
                f"CASE WHEN rowid IN (SELECT rowid FROM names WHERE names MATCH :t{number}) "
                f"THEN {SCORE_TERM_IN_NAME} ELSE {SCORE_TERM_IN_TEXT} END"
            )
        else:
            parts.append(str(SCORE_TERM_IN_TEXT))
    exact = "SELECT doc FROM keys WHERE key = :name AND kind = " + str(KIND_NAME)
    if conn.execute(exact + " LIMIT 1", {"name": plan.name_key}).fetchone():
        params["name"] = plan.name_key
        parts.append(f"CASE WHEN rowid IN ({exact}) THEN {SCORE_NAME_EXACT} ELSE 0 END")
    return " + ".join(parts), params


@dataclass(frozen=True, slots=True)
class _Matches:
    """SQL for the documents matching a query: their score, and the ``FROM``/``WHERE``
    joining them to their ``docs`` rows (``d``) under the query's filters."""

    score: str
    source: str
    params: dict[str, Any]


def _matches(
    conn: sqlite3.Connection, plan: QueryPlan, query: SearchQuery, *, scored: bool
) -> _Matches:
    """The documents matching ``plan`` under the filters of ``query``.

    ``CROSS JOIN`` keeps the matches as the outer loop: SQLite would otherwise walk a filter's
    index over ``docs`` and probe the FTS index once per row, which is far slower. The
    matches are not materialised either: writing them to a temporary table costs more
    than reading the FTS index a second time for the page.
    """
    where, params = _filters(query)
    if plan.browse:
        return _Matches("0", f"FROM docs d WHERE {where}", params)
    if plan.identifier is not None:
        key = plan.identifier
        match = f"words : {_phrase(bigram_tokens(plan.phrase))}"
        matched = _IDENT_MATCHED
        params |= {"key": key, "key_end": key + "\x7f", "match": match}
    else:
        score, score_params = _text_score(conn, plan) if scored else ("0", {})
        matched = f"SELECT rowid AS doc, {score} AS score FROM fts WHERE fts MATCH :match"
        params |= score_params | {"match": fts_match(plan)}
    return _Matches(
        "m.score", f"FROM ({matched}) m CROSS JOIN docs d ON d.rowid = m.doc WHERE {where}", params
    )


def _schema_version(conn: sqlite3.Connection) -> str | None:
    """The schema version a file was built with; None for a new, empty file.

    A file with tables but no yekuo schema record is somebody else's database: it is
    refused, never rebuilt (a rebuild drops every table).
    """
    row = None
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is not None:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is not None:
        return str(row[0])
    if conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0:
        return None
    raise sqlite3.DatabaseError("it holds tables but is not a yekuo search index")


class SqliteSearchIndex(Closing):
    """``SearchIndex`` in a SQLite file with FTS5; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._conn, self._stale = self._open(path)
        # Searches read through a pool of connections (WAL readers never wait for the
        # writer) and count the facets on a second thread while the page is ordered: a
        # match set of 20,000 documents takes about half the time that way.
        self._readers: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="yekuo-search")

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA cache_size = -65536")
        return conn

    @classmethod
    def _open(cls, path: Path) -> tuple[sqlite3.Connection, str | None]:
        """The writer connection, and the schema version found if it is not this one's.

        A file of another version is kept as it is until ``clear`` (the first step of
        ``yekuo reindex``) rebuilds it: the index is derived, so a rebuild loses nothing.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = cls._connect(path)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            found = _schema_version(conn)
            if found in (None, SCHEMA_VERSION):
                conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise SearchUnavailableError(
                f"cannot open the search index {path}: {exc}; check that the data directory "
                "is writable and the file is a yekuo search index (delete it and run reindex)"
            ) from exc
        return conn, None if found in (None, SCHEMA_VERSION) else found

    def _refuse_stale(self) -> None:
        if self._stale is not None:
            raise SearchUnavailableError(
                f"the search index {self._path} was built by another yekuo version (schema "
                f"{self._stale}, expected {SCHEMA_VERSION}); run `yekuo reindex` to rebuild "
                "it from the database"
            )

    @contextmanager
    def _reading(self, action: str) -> Iterator[sqlite3.Connection]:
        """A reader connection from the pool (opened when none is free); errors translated."""
        self._refuse_stale()
        try:
            conn = self._readers.get_nowait()
        except queue.Empty:
            try:
                conn = self._connect(self._path)
            except sqlite3.Error as exc:
                raise SearchUnavailableError(
                    f"cannot open the search index {self._path} to {action}: {exc}; check "
                    "that the data directory is readable"
                ) from exc
        try:
            yield conn
        except sqlite3.Error as exc:
            raise SearchError(
                f"the search index {self._path} failed to {action}: {exc}; retry, and if "
                "it persists delete the file and run reindex"
            ) from exc
        finally:
            self._readers.put(conn)

    @contextmanager
    def _guard(self, action: str, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """Serialise access, run a transaction when writing, and translate sqlite errors."""
        with self._lock:
            self._refuse_stale()
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
        self._write_tokens(conn, rowid, old.text, document_parts(old), delete=True)
        conn.execute("DELETE FROM keys WHERE doc = ?", (rowid,))
        conn.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
        conn.execute("DELETE FROM payloads WHERE doc = ?", (rowid,))
        return True

    @staticmethod
    def _write_tokens(
        conn: sqlite3.Connection, rowid: int, text: str, parts: DocumentParts, *, delete: bool
    ) -> None:
        """Add a document's FTS rows, or remove them (contentless tables need the tokens)."""
        everything, names = _fts_values(text, parts)
        for table, values in (("fts", everything), ("names", names)):
            if delete:
                sql = (
                    f"INSERT INTO {table} ({table}, rowid, words, chars) VALUES ('delete', ?, ?, ?)"
                )
            else:
                sql = f"INSERT INTO {table} (rowid, words, chars) VALUES (?, ?, ?)"
            conn.execute(sql, (rowid, *values))

    @staticmethod
    def _facet(conn: sqlite3.Connection, document: IndexedDocument) -> int:
        """The id of the document's (doc_type, stage) pair: facets group by one integer."""
        pair = (document.doc_type, document.stage)
        conn.execute("INSERT OR IGNORE INTO facets (doc_type, stage) VALUES (?, ?)", pair)
        (facet,) = conn.execute(
            "SELECT id FROM facets WHERE doc_type = ? AND stage = ?", pair
        ).fetchone()
        return int(facet)

    def _insert(self, conn: sqlite3.Connection, document: IndexedDocument) -> None:
        self._remove(conn, document.document_id)
        (rowid,) = conn.execute(
            "INSERT INTO docs (document_id, case_no, case_key, doc_type, stage, category, "
            "units, facet, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING rowid",
            (
                document.document_id,
                document.case_no,
                identifier_key(document.case_no),
                document.doc_type,
                document.stage,
                document.category,
                "/" + "".join(f"{unit}/" for unit in document.units),
                self._facet(conn, document),
                document.date.isoformat() if document.date else None,
            ),
        ).fetchone()
        conn.execute(
            "INSERT INTO payloads (doc, payload) VALUES (?, ?)", (rowid, document.model_dump_json())
        )
        parts = document_parts(document)
        self._write_tokens(conn, rowid, document.text, parts, delete=False)
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
        """Remove every document; a file of another schema version is rebuilt empty."""
        if self._stale is not None:
            self._rebuild()
        with self._guard("clear the index", write=True) as conn:
            conn.execute("DELETE FROM keys")
            conn.execute("DELETE FROM docs")
            conn.execute("DELETE FROM payloads")
            conn.execute("DELETE FROM facets")
            conn.execute("INSERT INTO fts (fts) VALUES ('delete-all')")
            conn.execute("INSERT INTO names (names) VALUES ('delete-all')")

    def _rebuild(self) -> None:
        """Drop every table of an index built by another version and create this schema."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                for kind in ("CREATE VIRTUAL TABLE%", "%"):  # virtual tables own shadow tables
                    tables = conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE ? "
                        "AND name NOT LIKE 'sqlite%'",
                        (kind,),
                    ).fetchall()
                    for (table,) in tables:
                        conn.execute(f'DROP TABLE IF EXISTS "{table}"')
                conn.execute("COMMIT")
                conn.executescript(_SCHEMA)
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise SearchError(
                    f"cannot rebuild the search index {self._path} of schema {self._stale}: "
                    f"{exc}; delete the file and run `yekuo reindex`"
                ) from exc
            self._stale = None

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``: total, one page of hits with highlights, and facets."""
        plan = plan_query(query)
        if plan.nothing:
            return SearchResult(total=0)
        action = f"search for {query.q!r}"
        with self._reading(action) as first, self._reading(action) as second:
            counting = self._executor.submit(self._facet_counts, first, plan, query)
            try:
                rows = self._page(second, plan, query) if query.limit else []
                payloads = {} if plan.browse else self._payloads(second, [row[0] for row in rows])
            finally:
                wait([counting])  # the facet count holds `first` until it ends
            counts = counting.result()
        hits = [
            SearchHit(
                document_id=document_id,
                case_no=case_no,
                doc_type=doc_type,
                score=float(score),
                highlights=_highlights(payloads[doc], plan) if doc in payloads else [],
            )
            for doc, document_id, case_no, doc_type, score in rows
        ]
        return SearchResult(total=sum(n for _, _, n in counts), hits=hits, facets=_facets(counts))

    @staticmethod
    def _facet_counts(
        conn: sqlite3.Connection, plan: QueryPlan, query: SearchQuery
    ) -> list[tuple[str, str, int]]:
        """``(doc_type, stage, count)`` of every match of ``query``."""
        matches = _matches(conn, plan, query, scored=False)
        counts = f"SELECT d.facet, COUNT(*) AS n {matches.source} GROUP BY d.facet"
        rows = conn.execute(_FACET_NAMES.format(counts=counts), matches.params).fetchall()
        return [(doc_type, stage, n) for doc_type, stage, n in rows]

    @staticmethod
    def _page(
        conn: sqlite3.Connection, plan: QueryPlan, query: SearchQuery
    ) -> list[tuple[int, str, str, str, float]]:
        """The page of ``query``: ``(doc, document_id, case_no, doc_type, score)`` rows."""
        matches = _matches(conn, plan, query, scored=True)
        return conn.execute(
            f"SELECT d.rowid, d.document_id, d.case_no, d.doc_type, {matches.score} AS score "
            f"{matches.source} ORDER BY {_ORDER} LIMIT :limit OFFSET :offset",
            matches.params | {"limit": query.limit, "offset": query.offset},
        ).fetchall()

    @staticmethod
    def _payloads(conn: sqlite3.Connection, docs: list[int]) -> dict[int, str]:
        """The stored payloads of ``docs`` (one page), for highlights."""
        marks = ", ".join("?" * len(docs))
        rows = conn.execute(f"SELECT doc, payload FROM payloads WHERE doc IN ({marks})", docs)
        return dict(rows.fetchall())

    def count(self, query: SearchQuery | None = None) -> int:
        """How many documents match ``query`` (all documents when ``None``)."""
        query = query or SearchQuery()
        plan = plan_query(query)
        if plan.nothing:
            return 0
        with self._reading(f"count matches of {query.q!r}") as conn:
            matches = _matches(conn, plan, query, scored=False)
            row = conn.execute(f"SELECT COUNT(*) {matches.source}", matches.params).fetchone()
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
            conn.execute("INSERT INTO names (names) VALUES ('optimize')")

    def close(self) -> None:
        """Close the database connections; safe to call twice."""
        self._executor.shutdown()
        with self._lock:
            self._conn.close()
        while not self._readers.empty():
            self._readers.get_nowait().close()


def _facets(counts: Iterable[tuple[str, str, int]]) -> SearchFacets:
    by_type: dict[str, int] = {}
    by_stage: dict[str, int] = {}
    for doc_type, stage, n in counts:
        by_type[doc_type] = by_type.get(doc_type, 0) + n
        if stage:
            by_stage[stage] = by_stage.get(stage, 0) + n
    return SearchFacets(doc_type=by_type, stage=by_stage)


def _highlights(payload: str, plan: QueryPlan) -> list[str]:
    document = IndexedDocument.model_validate_json(payload)
    return highlight_document(document.text, _names_and_values(document), plan)


def _names_and_values(document: IndexedDocument) -> Iterator[str]:
    """The names and other field values, split only if the text itself has no match."""
    parts = document_parts(document)
    yield from parts.names
    yield from parts.extra
