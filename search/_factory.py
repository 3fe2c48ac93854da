"""Builds the search index the settings choose: the one place that picks the backend."""

from __future__ import annotations

from core import Settings
from search._elastic import ElasticsearchSearchIndex
from search._protocol import SearchIndex
from search._sqlite import SqliteSearchIndex

EMBEDDED_FILE = "search.db"


def open_search_index(settings: Settings) -> SearchIndex:
    """The embedded index in ``data_dir/search.db``, or the configured Elasticsearch index."""
    if settings.search_backend == "elasticsearch":
        return ElasticsearchSearchIndex(
            settings.elasticsearch_url,
            settings.elasticsearch_index,
            count_cap=settings.search_count_cap,
        )
    return SqliteSearchIndex(settings.data_dir / EMBEDDED_FILE, count_cap=settings.search_count_cap)
