"""What goes into the search index and what comes out of it."""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

MAX_WINDOW = 10_000
"""offset + limit may not exceed this (Elasticsearch's default ``max_result_window``)."""

MAX_LIMIT = 500

COUNT_CAP = 10_000
"""Matches are counted exactly up to this many; beyond it ``total`` is this and a lower bound."""


class IndexedDocument(BaseModel):
    """One archived document as the search index sees it: case facets, text and fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document_id: str = Field(min_length=1, max_length=200)
    case_no: str = Field(min_length=1, max_length=100)
    doc_type: str = Field(min_length=1, max_length=64)
    stage: str = Field(default="", max_length=64)
    category: str = Field(default="", max_length=64)
    business_type: str = Field(default="", max_length=64)
    customer_name: str = Field(default="", max_length=200)
    units: tuple[str, ...] = Field(
        default=(),
        description="The case's unit path: the codes from the top unit down to the case's unit.",
    )
    date: dt.date | None = Field(default=None, description="The date the document shows.")
    text: str = Field(default="", description="The OCR (or text layer) full text.")
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="Extracted fields, e.g. name, id_number, credit_code, contract_no.",
    )


class SearchQuery(BaseModel):
    """A search: free text or an identifier in ``q``, filters, and a page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str = Field(default="", max_length=200, description="Words, a name or an identifier.")
    case_no: str | None = None
    doc_type: str | None = None
    stage: str | None = None
    category: str | None = None
    unit: str | None = Field(
        default=None,
        description="Only documents of cases of this unit or of a unit under it (the searcher's).",
    )
    date_from: dt.date | None = Field(default=None, description="Document date on or after.")
    date_to: dt.date | None = Field(default=None, description="Document date on or before.")
    limit: int = Field(default=20, ge=0, le=MAX_LIMIT)
    offset: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _check_window(self) -> Self:
        if self.offset + self.limit > MAX_WINDOW:
            raise PydanticCustomError(
                "result_window",
                "offset + limit must be at most {window}; narrow the search with filters",
                {"window": MAX_WINDOW},
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise PydanticCustomError(
                "date_range", "date_from is after date_to; swap them or drop one"
            )
        return self


class SearchHit(BaseModel):
    """One matching document, with the passages that matched marked ``<mark>…</mark>``.

    Highlights are HTML: the document text is escaped, only the marks are tags.
    """

    model_config = ConfigDict(frozen=True)

    document_id: str
    case_no: str
    doc_type: str
    score: float
    highlights: list[str] = Field(default_factory=list)


class SearchFacets(BaseModel):
    """How many matching documents there are of each document type and each stage."""

    model_config = ConfigDict(frozen=True)

    doc_type: dict[str, int] = Field(default_factory=dict)
    stage: dict[str, int] = Field(default_factory=dict)


class SearchResult(BaseModel):
    """One page of hits, the number of matches, and facet counts over the matches.

    Counting stops at the index's count cap (``COUNT_CAP`` by default): a query with more
    matches answers ``total`` = the cap and ``total_is_lower_bound`` true, and its facets
    count only the matches it counted, so each is a lower bound too.
    """

    model_config = ConfigDict(frozen=True)

    total: int
    total_is_lower_bound: bool = Field(
        default=False,
        description="True when counting stopped at the cap: there are at least total matches.",
    )
    hits: list[SearchHit] = Field(default_factory=list)
    facets: SearchFacets = Field(default_factory=SearchFacets)


class IndexHealth(BaseModel):
    """What ``check()`` found: which backend, where, and how many documents it holds."""

    model_config = ConfigDict(frozen=True)

    backend: str
    location: str
    documents: int
