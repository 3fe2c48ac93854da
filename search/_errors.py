"""Errors of the search index.

Hierarchy::

    core.YekuoError
    └── SearchError                    the search index failed (embedded or Elasticsearch)
        └── SearchUnavailableError     the index cannot be reached or opened at all

Every message says what failed, for which document or index, and what to do next.
Adapters translate the errors of their client library (``sqlite3``, ``elasticsearch``)
into these with ``raise ... from exc`` so the cause is kept.
"""

from __future__ import annotations

from core import YekuoError


class SearchError(YekuoError):
    """The search index failed to index, delete or search."""


class SearchUnavailableError(SearchError):
    """The search index cannot be reached or opened (server down, file unreadable)."""
