"""How a document is laid out for indexing and how a query is read, shared by both backends.

Both backends index the same four parts of a document and score every query with the same
constant tiers, so that they return the same hits in the same order:

* ``names``: the customer's name and the name-like fields (a person, a company);
* ``body``: the full text and every other field value;
* ``field_ids``: keys of the case number and of the fields that look like identifiers;
* ``text_ids``: keys of the identifiers written in the text.

Ranking is by tiers, not by term statistics: an identifier query by where the identifier
stands (``SCORE_*ID*``); a text query by where each term stands (in a name, or only in the
text) plus a bonus when the query is exactly a name of the document. Within a tier the newest
document comes first (by its date; undated last), then the lower ``document_id``. A relevance
formula such as BM25 would rank by document length and term counts, which on forms and
certificates say little, differ between the backends' implementations and cost a scan of
every match; tiers are what an auditor can be told ("exact name, then names containing it,
then mentions, newest first") and both backends compute them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from search._models import IndexedDocument, SearchQuery
from search._normalize import (
    Segment,
    identifier_key,
    looks_like_identifier,
    name_key,
    segments,
    text_identifiers,
)

NAME_FIELDS = frozenset(
    {
        "name",
        "customer_name",
        "company_name",
        "legal_representative",
        "owner",
        "builder",
        "applicant",
        "agent_name",
        "principal",
    }
)
"""Field keys whose values are names of people or companies (ranked above body text)."""

SCORE_FIELD_ID = 1000.0
"""An identifier query equals an identifier field or the case number."""
SCORE_TEXT_ID = 100.0
"""An identifier query equals an identifier written in the text."""
SCORE_ID_PREFIX = 10.0
"""An identifier query is the beginning of an identifier (a field or the text)."""
SCORE_ID_TEXT = 1.0
"""An identifier query occurs as words in the text (any separators)."""
SCORE_NAME_EXACT = 100.0
"""Added to a text query's score when the query is exactly a name of the document."""
SCORE_TERM_IN_NAME = 10.0
"""Each term of a text query that occurs in a name of the document."""
SCORE_TERM_IN_TEXT = 1.0
"""Each term of a text query that occurs only in the text and other field values."""


@dataclass(frozen=True, slots=True)
class DocumentParts:
    """A document split into the parts both backends index."""

    names: tuple[str, ...]
    extra: tuple[str, ...]
    field_ids: tuple[str, ...]
    text_ids: tuple[str, ...]
    name_keys: tuple[str, ...]


def document_parts(document: IndexedDocument) -> DocumentParts:
    """Split ``document`` into names, other field values and identifier keys."""
    names: dict[str, None] = {}
    if document.customer_name.strip():
        names[document.customer_name.strip()] = None
    extra: list[str] = []
    field_ids: dict[str, None] = {identifier_key(document.case_no): None}
    for key, value in sorted(document.fields.items()):
        if not value.strip():
            continue
        if key in NAME_FIELDS:
            names[value.strip()] = None
        else:
            extra.append(value)
        if looks_like_identifier(value):
            field_ids[identifier_key(value)] = None
    field_ids.pop("", None)
    return DocumentParts(
        names=tuple(names),
        extra=tuple(extra),
        field_ids=tuple(field_ids),
        text_ids=tuple(text_identifiers(document.text)),
        name_keys=tuple(dict.fromkeys(name_key(name) for name in names)),
    )


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What ``q`` asks for.

    ``browse``: no ``q``; every document passing the filters matches, newest first.
    ``identifier``: the key when ``q`` looks like an identifier; such a query matches
    documents carrying it (scored by the ``SCORE_*ID*`` tiers), never by relevance.
    ``terms``: otherwise, every term must occur; a Han run as a contiguous sequence.
    ``nothing``: ``q`` has no searchable character (only punctuation); nothing matches.
    """

    browse: bool
    identifier: str | None
    terms: tuple[Segment, ...]
    phrase: str
    name_key: str

    @property
    def nothing(self) -> bool:
        """Whether the query can match no document at all."""
        return not self.browse and self.identifier is None and not self.terms


def plan_query(query: SearchQuery) -> QueryPlan:
    """Read ``query.q`` into a plan both backends execute the same way."""
    q = query.q.strip()
    identifier = identifier_key(q) if q and looks_like_identifier(q) else None
    return QueryPlan(
        browse=not q,
        identifier=identifier,
        terms=tuple(segments(q)),
        phrase=" ".join(segment.text for segment in segments(q)),
        name_key=name_key(q),
    )
