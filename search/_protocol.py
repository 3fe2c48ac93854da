"""The ``SearchIndex`` protocol every search backend implements."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from search._models import IndexedDocument, IndexHealth, SearchQuery, SearchResult


@runtime_checkable
class SearchIndex(Protocol):
    """A full-text index of archived documents, derived from the database and rebuildable.

    Contract (tested by ``tests/contracts/test_search_index.py`` on every backend):

    Writing
      * ``index(doc)`` MUST insert or replace the document with ``doc.document_id``
        (upsert): afterwards searches MUST see the new version and never the old one.
      * ``index_many(docs)`` MUST behave like ``index`` for each document and return how
        many it indexed; it MAY be much faster. Visibility MUST hold once it returns.
      * ``delete(document_id)`` MUST remove the document and return whether it was there;
        deleting an unknown id MUST NOT raise.
      * ``clear()`` MUST remove every document (the first step of a rebuild).

    Matching (``search`` and ``count``)
      * An empty ``q`` MUST match every document that passes the filters.
      * A ``q`` that looks like an identifier (citizen ID, credit code, case or contract
        number, see ``looks_like_identifier``) MUST match it however typed: with or without
        spaces or separators, full-width characters, lower-case letters. Documents whose
        fields or case number equal it MUST rank first, then documents whose text carries
        it, then documents with an identifier that starts with it, then documents whose
        text has it as words. Scores MUST be the ``SCORE_*`` tiers of ``search._plan``.
      * Any other ``q`` MUST match the documents containing every term of it (AND),
        folded with NFKC and case-insensitively; a run of Chinese characters MUST match
        only as a contiguous sequence (so ``王小明`` does not find ``李小明``), and a run
        of one or two characters MUST be found as well as longer ones. Matches in names
        (the customer and name fields) MUST rank above matches in the text only, and a
        document where ``q`` is exactly a name MUST rank first.
      * A ``q`` without any letter, digit or Chinese character MUST match nothing.
      * Filters (``case_no`` compared as an identifier, ``doc_type``, ``stage``,
        ``category``, ``unit``, and ``date_from``/``date_to`` inclusive on the document
        date) MUST all apply; a date filter MUST exclude documents without a date; a
        ``unit`` filter MUST keep exactly the documents whose ``units`` (their case's unit
        and its ancestors) hold it.

    Results
      * ``total`` MUST be the number of matches when there are at most the index's count
        cap of them (``count_cap``, by default ``COUNT_CAP``), with ``total_is_lower_bound``
        false; with more it MUST be the cap, with ``total_is_lower_bound`` true, so that a
        search costs what its page and the cap cost, not what all its matches would.
        ``hits`` MUST be the page given by
        ``offset``/``limit``, best tier first, then newest date (undated last), then
        ``document_id`` so pages never overlap; browse results (empty ``q``) MUST be newest
        date first. Text queries MUST be scored by the ``SCORE_TERM_*`` and
        ``SCORE_NAME_EXACT`` tiers of ``search._plan``, so both backends give one order.
      * ``facets`` MUST count the matches counted for ``total`` (all of them when it is
        exact, not just the page) by ``doc_type`` and ``stage``.
      * Each hit of a ``q`` MUST carry the highlights ``search._highlight`` makes from its
        text (else its names and field values): passages of HTML-escaped text with matched
        terms wrapped in ``<mark>…</mark>``, the same on every backend.
      * ``count(query)`` MUST count every match, without the cap (it equals
        ``search(query).total`` when that is exact); ``count()`` counts everything.

    Errors and lifetime
      * Failures MUST raise ``SearchError`` (``SearchUnavailableError`` when the backend
        cannot be reached or opened), chaining the client's error, with a message saying
        what failed and what to do.
      * ``check()`` MUST raise ``SearchUnavailableError`` when the index is unusable and
        otherwise report where it is and how many documents it holds.
      * ``ping()`` MUST raise ``SearchUnavailableError`` when the index is unusable (the
        backend does not answer, the index is missing or of another version) and otherwise
        return; it MUST NOT count or scan documents, so that a health probe may call it often.
      * The index MUST be usable as a context manager; ``close()`` MUST release its
        connections and MAY be called more than once.
    """

    def index(self, document: IndexedDocument) -> None:
        """Insert or replace one document."""
        ...

    def index_many(self, documents: Iterable[IndexedDocument]) -> int:
        """Insert or replace many documents; return how many."""
        ...

    def delete(self, document_id: str) -> bool:
        """Remove one document; return whether it was indexed."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``: total, one page of hits with highlights, and facets."""
        ...

    def count(self, query: SearchQuery | None = None) -> int:
        """How many documents match ``query`` (all documents when ``None``)."""
        ...

    def clear(self) -> None:
        """Remove every document, e.g. before a rebuild."""
        ...

    def check(self) -> IndexHealth:
        """Verify the index is usable; report its location and size."""
        ...

    def ping(self) -> None:
        """Verify cheaply that the index is usable (a health probe's question)."""
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...

    def __enter__(self) -> Self:
        """Return the index itself."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the index."""
        ...
