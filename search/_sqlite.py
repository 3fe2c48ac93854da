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
from pathlib import Path

from core import Closing, use_wal
from search._errors import SearchError, SearchUnavailableError
from search._highlight import highlight_document
from search._models import (
    COUNT_CAP,
    IndexedDocument,
    IndexHealth,
    SearchFacets,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from search._normalize import bigram_tokens, identifier_key, unigram_tokens
from search._plan import DocumentParts, QueryPlan, document_parts, plan_query
from search._sqlite_queries import (
    DAY_SHIFT,
    KIND_FIELD_ID,
    KIND_NAME,
    KIND_TEXT_ID,
    counted_facets,
    day_of,
    matches,
    page,
)

SCHEMA_VERSION = "5"
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
    facet INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS facets (
    id INTEGER PRIMARY KEY, doc_type TEXT NOT NULL, stage TEXT NOT NULL,
    UNIQUE (doc_type, stage)
);
CREATE TABLE IF NOT EXISTS payloads (doc INTEGER PRIMARY KEY, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_case ON docs (case_key);
CREATE TABLE IF NOT EXISTS keys (
    key TEXT NOT NULL, kind INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (key, kind, doc)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_doc ON keys (doc);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5 (words, chars, content='', {_TOKENIZE});
CREATE VIRTUAL TABLE IF NOT EXISTS names USING fts5 (words, chars, content='', {_TOKENIZE});
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '{SCHEMA_VERSION}');
"""


def _tokens(values: Iterable[str]) -> tuple[str, str]:
    values = list(values)
    return (
        " ".join(token for value in values for token in bigram_tokens(value)),
        " ".join(token for value in values for token in unigram_tokens(value)),
    )


def _fts_values(text: str, parts: DocumentParts) -> tuple[tuple[str, str], tuple[str, str]]:
    """The ``(words, chars)`` of a document's ``fts`` row and of its ``names`` row."""
    return _tokens([*parts.names, text, *parts.extra]), _tokens(parts.names)


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

    def __init__(self, path: Path, *, count_cap: int = COUNT_CAP) -> None:
        self._path = path
        self._count_cap = count_cap
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
            use_wal(path)
            conn = cls._connect(path)
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
        day = day_of(document.date) << DAY_SHIFT
        (rowid,) = conn.execute(
            "INSERT INTO docs (rowid, document_id, case_no, case_key, doc_type, stage, "
            "category, units, facet) SELECT COALESCE(MAX(rowid) + 1, :day), :document_id, "
            ":case_no, :case_key, :doc_type, :stage, :category, :units, :facet FROM docs "
            "WHERE rowid >= :day AND rowid < :next_day RETURNING rowid",
            {
                "day": day,
                "next_day": day + (1 << DAY_SHIFT),
                "document_id": document.document_id,
                "case_no": document.case_no,
                "case_key": identifier_key(document.case_no),
                "doc_type": document.doc_type,
                "stage": document.stage,
                "category": document.category,
                "units": "/" + "".join(f"{unit}/" for unit in document.units),
                "facet": self._facet(conn, document),
            },
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
        """Run ``query``: total up to the cap, one page of hits with highlights, and facets."""
        plan = plan_query(query)
        if plan.nothing:
            return SearchResult(total=0)
        action = f"search for {query.q!r}"
        with self._reading(action) as first, self._reading(action) as second:
            counting = self._executor.submit(counted_facets, first, plan, query, self._count_cap)
            try:
                rows = page(second, plan, query) if query.limit else []
                payloads = {} if plan.browse else self._payloads(second, [row[0] for row in rows])
                names = dict(self._facet_names(second))
            finally:
                wait([counting])  # the count holds `first` until it ends
            counted = counting.result()
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
        capped = len(counted) > self._count_cap
        del counted[self._count_cap :]
        return SearchResult(
            total=len(counted),
            total_is_lower_bound=capped,
            hits=hits,
            facets=_facets(names[facet] for facet in counted),
        )

    @staticmethod
    def _facet_names(conn: sqlite3.Connection) -> list[tuple[int, tuple[str, str]]]:
        """Each facet number with its ``(doc_type, stage)``."""
        rows = conn.execute("SELECT id, doc_type, stage FROM facets").fetchall()
        return [(facet, (doc_type, stage)) for facet, doc_type, stage in rows]

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
            found = matches(plan, query)
            row = conn.execute(f"SELECT COUNT(*) {found.source}", found.params).fetchone()
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

    def ping(self) -> None:
        """Read one row on a reader connection: the writer's lock is not waited for."""
        try:
            with self._reading("answer a ping") as conn:
                conn.execute("SELECT 1 FROM docs LIMIT 1").fetchall()
        except SearchError as exc:
            raise SearchUnavailableError(exc.message) from exc

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


def _facets(pairs: Iterable[tuple[str, str]]) -> SearchFacets:
    by_type: dict[str, int] = {}
    by_stage: dict[str, int] = {}
    for doc_type, stage in pairs:
        by_type[doc_type] = by_type.get(doc_type, 0) + 1
        if stage:
            by_stage[stage] = by_stage.get(stage, 0) + 1
    return SearchFacets(doc_type=by_type, stage=by_stage)


def _highlights(payload: str, plan: QueryPlan) -> list[str]:
    document = IndexedDocument.model_validate_json(payload)
    return highlight_document(document.text, _names_and_values(document), plan)


def _names_and_values(document: IndexedDocument) -> Iterator[str]:
    """The names and other field values, split only if the text itself has no match."""
    parts = document_parts(document)
    yield from parts.names
    yield from parts.extra
