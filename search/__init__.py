"""Full-text and identifier search over archived documents: SQLite FTS5 or Elasticsearch."""

from search._errors import SearchError, SearchUnavailableError
from search._models import (
    IndexedDocument,
    IndexHealth,
    SearchFacets,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from search._normalize import looks_like_identifier, normalize_identifier
from search._protocol import SearchIndex
from search._sqlite import SqliteSearchIndex

__all__ = [
    "IndexHealth",
    "IndexedDocument",
    "SearchError",
    "SearchFacets",
    "SearchHit",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "SearchUnavailableError",
    "SqliteSearchIndex",
    "looks_like_identifier",
    "normalize_identifier",
]
