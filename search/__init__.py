"""Full-text and identifier search over archived documents: SQLite FTS5 or Elasticsearch."""

from search._documents import document_date, index_pending, indexed_document, reindex
from search._elastic import ElasticsearchSearchIndex
from search._errors import SearchError, SearchUnavailableError
from search._factory import open_search_index
from search._models import (
    COUNT_CAP,
    MAX_LIMIT,
    MAX_WINDOW,
    IndexedDocument,
    SearchQuery,
    SearchResult,
)
from search._protocol import SearchIndex
from search._sqlite import SqliteSearchIndex

__all__ = [
    "COUNT_CAP",
    "MAX_LIMIT",
    "MAX_WINDOW",
    "ElasticsearchSearchIndex",
    "IndexedDocument",
    "SearchError",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailableError",
    "SqliteSearchIndex",
    "document_date",
    "index_pending",
    "indexed_document",
    "open_search_index",
    "reindex",
]
