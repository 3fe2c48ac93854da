"""The production search index: one Elasticsearch index, created with its mapping by this code.

Chinese is analysed with what every Elasticsearch distribution ships: the ``standard``
tokenizer (one token per Han character), ``cjk_width`` and ``lowercase`` (the folding of
``search._normalize``) and ``cjk_bigram`` (overlapping bigrams, a lone character as itself).
``names`` and ``body`` carry those bigrams; their ``.uni`` sub-fields keep single characters
for one-character queries. Identifiers are ``keyword`` fields holding the keys of
``search._plan.document_parts``, so both backends match the same documents and score
every query with the same constant tiers (``constant_score`` clauses), sorted the same way.
The index is stored in that order (newest first, then by id: index sorting), so a search
sorted by date alone stops once its page is full, however many documents match.
Highlights are made from the stored text by ``search._highlight``, as the embedded backend
makes them.

The index is created on first use, not when the object is built, so an application starts
even while Elasticsearch is down; every call then raises ``SearchUnavailableError``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from core import Closing
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
from search._normalize import Segment, identifier_key
from search._plan import (
    SCORE_FIELD_ID,
    SCORE_ID_PREFIX,
    SCORE_ID_TEXT,
    SCORE_NAME_EXACT,
    SCORE_TERM_IN_NAME,
    SCORE_TERM_IN_TEXT,
    SCORE_TEXT_ID,
    QueryPlan,
    document_parts,
    plan_query,
)

SCHEMA_VERSION = "4"
BULK_CHUNK = 1000
PING_SECONDS = 3.0
FACET_SIZE = 200
_SOURCE = {"includes": ["names", "body"]}
_TEXT_FIELD = {
    "type": "text",
    "analyzer": "yekuo_bigram",
    "fields": {"uni": {"type": "text", "analyzer": "yekuo_unigram"}},
}
INDEX_SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    # Stored newest first, as every page is sorted: a date-sorted search stops at the page.
    "sort": {
        "field": ["date", "document_id"],
        "order": ["desc", "asc"],
        "missing": ["_last", "_last"],
    },
    "analysis": {
        "analyzer": {
            "yekuo_bigram": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["cjk_width", "lowercase", "cjk_bigram"],
            },
            "yekuo_unigram": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["cjk_width", "lowercase"],
            },
        }
    },
}
INDEX_MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"schema": SCHEMA_VERSION},
    "properties": {
        "document_id": {"type": "keyword"},
        "case_no": {"type": "keyword"},
        "case_key": {"type": "keyword"},
        "doc_type": {"type": "keyword"},
        "stage": {"type": "keyword"},
        "category": {"type": "keyword"},
        "units": {"type": "keyword"},
        "date": {"type": "date", "format": "strict_date"},
        "names": _TEXT_FIELD,
        "body": _TEXT_FIELD,
        "field_ids": {"type": "keyword"},
        "text_ids": {"type": "keyword"},
        "name_keys": {"type": "keyword"},
    },
}


def es_source(document: IndexedDocument) -> dict[str, Any]:
    """The Elasticsearch document of ``document``: facets, text parts and identifier keys."""
    parts = document_parts(document)
    return {
        "document_id": document.document_id,
        "case_no": document.case_no,
        "case_key": identifier_key(document.case_no),
        "doc_type": document.doc_type,
        "stage": document.stage,
        "category": document.category,
        "units": list(document.units),
        "date": document.date.isoformat() if document.date else None,
        "names": list(parts.names),
        "body": [document.text, *parts.extra],
        "field_ids": list(parts.field_ids),
        "text_ids": list(parts.text_ids),
        "name_keys": list(parts.name_keys),
    }


def _constant(query: dict[str, Any], score: float) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": score}}


def _words(field: str, text: str) -> dict[str, Any]:
    return {"match_phrase": {field: text}}


def _identifier_query(plan: QueryPlan) -> dict[str, Any]:
    """The ``SCORE_*ID*`` tiers, added up like the embedded backend does."""
    assert plan.identifier is not None
    key = plan.identifier
    as_words = {"bool": {"should": [_words("names", plan.phrase), _words("body", plan.phrase)]}}
    prefix = {"bool": {"should": [{"prefix": {"field_ids": key}}, {"prefix": {"text_ids": key}}]}}
    return {
        "bool": {
            "should": [
                _constant({"term": {"field_ids": key}}, SCORE_FIELD_ID),
                _constant({"term": {"text_ids": key}}, SCORE_TEXT_ID),
                _constant(prefix, SCORE_ID_PREFIX),
                _constant(as_words, SCORE_ID_TEXT),
            ],
            "minimum_should_match": 1,
        }
    }


def _term_in(field: str, term: Segment) -> dict[str, Any]:
    """A term in ``field``: a Han run as a bigram phrase, one Han character in ``.uni``."""
    suffix = ".uni" if term.kind == "han" and len(term.text) == 1 else ""
    return _words(f"{field}{suffix}", term.text)


def _exact_name(plan: QueryPlan) -> dict[str, Any]:
    return {"term": {"name_keys": plan.name_key}}


def _text_query(plan: QueryPlan) -> dict[str, Any]:
    """Every term required (Han runs as bigram phrases), scored by where it is; exact names."""
    musts: list[dict[str, Any]] = []
    for term in plan.terms:
        either = [
            _constant(_term_in("names", term), SCORE_TERM_IN_NAME),
            _constant(_term_in("body", term), SCORE_TERM_IN_TEXT),
        ]
        musts.append({"dis_max": {"queries": either}})
    exact = _constant(_exact_name(plan), SCORE_NAME_EXACT)
    return {"bool": {"must": musts, "should": [exact]}}


def _names_holding(plan: QueryPlan, at_least: int) -> dict[str, Any]:
    """Documents whose names hold at least ``at_least`` of the terms."""
    in_names = [_term_in("names", term) for term in plan.terms]
    return {"bool": {"should": in_names, "minimum_should_match": at_least}}


def _tiers(
    plan: QueryPlan, filters: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], float | None]]:
    """A text query's page searches, best tier first, each with the score of its hits.

    The documents whose exact name the query is come first, scored by Elasticsearch (few);
    then, for k from the number of terms down to 0, those with exactly k terms in a name, one
    score each, found unscored: sorted by date like the index itself, so Lucene stops at the
    page. The exact-name tier's score is None: each hit's is Elasticsearch's.
    """
    terms = len(plan.terms)
    exact = {"bool": {"must": [_text_query(plan)], "filter": [*filters, _exact_name(plan)]}}
    tiers: list[tuple[dict[str, Any], float | None]] = [(exact, None)]
    anywhere = [
        {"bool": {"should": [_term_in("names", term), _term_in("body", term)]}}
        for term in plan.terms
    ]
    for k in range(terms, -1, -1):
        held = [_names_holding(plan, k)] if k else []
        more = [_names_holding(plan, k + 1)] if k < terms else []
        tier = {
            "bool": {"filter": [*filters, *anywhere, *held], "must_not": [*more, _exact_name(plan)]}
        }
        tiers.append((tier, k * SCORE_TERM_IN_NAME + (terms - k) * SCORE_TERM_IN_TEXT))
    return tiers


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    if query.case_no is not None:
        filters.append({"term": {"case_key": identifier_key(query.case_no)}})
    for name in ("doc_type", "stage", "category"):
        value = getattr(query, name)
        if value is not None:
            filters.append({"term": {name: value}})
    if query.unit is not None:
        filters.append({"term": {"units": query.unit}})
    if query.date_from is not None or query.date_to is not None:
        bounds: dict[str, str] = {}
        if query.date_from is not None:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to is not None:
            bounds["lte"] = query.date_to.isoformat()
        filters.append({"range": {"date": bounds}})
    return filters


def es_query(plan: QueryPlan, query: SearchQuery) -> dict[str, Any]:
    """The Elasticsearch query for ``plan`` under the filters of ``query``."""
    if plan.browse:
        matching: dict[str, Any] = {"match_all": {}}
    elif plan.identifier is not None:
        matching = _identifier_query(plan)
    else:
        matching = _text_query(plan)
    return {"bool": {"must": [matching], "filter": _filters(query)}}


def _hit_highlights(source: dict[str, Any], plan: QueryPlan) -> list[str]:
    """The passages the embedded backend would show, from the stored text and names.

    Highlighting here rather than with Elasticsearch's highlighters makes both backends
    show the same passages, and is cheaper: a phrase of a long company name cost the unified
    highlighter 15–40 ms per page of hits.
    """
    text, *values = source.get("body") or [""]
    return highlight_document(text, [*source.get("names", []), *values], plan)


class ElasticsearchSearchIndex(Closing):
    """``SearchIndex`` in one Elasticsearch index (``yekuo-documents`` by default)."""

    def __init__(
        self,
        url: str,
        index: str,
        *,
        request_timeout: float = 10.0,
        count_cap: int = COUNT_CAP,
    ) -> None:
        self._url = url
        self._index = index
        self._count_cap = count_cap
        self._client = Elasticsearch(url, request_timeout=request_timeout, max_retries=1)
        self._ready = False
        self._lock = threading.Lock()

    @contextmanager
    def _guard(self, action: str, *, ensure: bool = True) -> Iterator[Elasticsearch]:
        """Make sure the index exists (unless ``ensure`` is off), then translate the client's
        errors into ours."""
        try:
            if ensure:
                self._ensure_index()
            yield self._client
        except SearchError:
            raise
        except ApiError as exc:
            if exc.meta.status == 404:
                self._ready = False  # created again, empty, on the next call's first use
            raise _refusal(exc.meta.status, exc.message, where=self._where, action=action) from exc
        except TransportError as exc:
            raise SearchUnavailableError(
                f"cannot reach the {self._where} to {action}: {exc.message}; check that "
                "Elasticsearch runs and YEKUO_ELASTICSEARCH_URL points at it"
            ) from exc

    @property
    def _where(self) -> str:
        return f"Elasticsearch index {self._index} at {self._url}"

    def _ensure_index(self) -> None:
        """Create the index with its mapping if missing; refuse one of another schema."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            if not self._client.indices.exists(index=self._index):
                self._client.options(ignore_status=400).indices.create(
                    index=self._index, settings=INDEX_SETTINGS, mappings=INDEX_MAPPINGS
                )
            mapping = self._client.indices.get_mapping(index=self._index).body
            meta = next(iter(mapping.values()))["mappings"].get("_meta", {})
            if meta.get("schema") != SCHEMA_VERSION:
                raise SearchUnavailableError(
                    f"the Elasticsearch index {self._index} at {self._url} was built by another "
                    f"yekuo version (schema {meta.get('schema', 'unknown')}, expected "
                    f"{SCHEMA_VERSION}); run `yekuo reindex` to rebuild it from the database"
                )
            self._ready = True

    def index(self, document: IndexedDocument) -> None:
        """Insert or replace one document, visible to searches when this returns."""
        with self._guard(f"index document {document.document_id}") as client:
            client.index(
                index=self._index,
                id=document.document_id,
                document=es_source(document),
                refresh=True,
            )

    def index_many(self, documents: Iterable[IndexedDocument]) -> int:
        """Insert or replace many documents in bulk requests; return how many."""
        actions = (
            {"_index": self._index, "_id": document.document_id, "_source": es_source(document)}
            for document in documents
        )
        count = 0
        with self._guard("index documents in bulk") as client:
            try:
                for _ok, _item in streaming_bulk(client, actions, chunk_size=BULK_CHUNK):
                    count += 1
            except BulkIndexError as exc:
                raise SearchError(
                    f"Elasticsearch refused {len(exc.errors)} documents after {count} were "
                    f"indexed into {self._index}, e.g. {exc.errors[0]}; fix the cause and run "
                    "`yekuo reindex`"
                ) from exc
            client.indices.refresh(index=self._index)
        return count

    def delete(self, document_id: str) -> bool:
        """Remove one document; return whether it was indexed."""
        with self._guard(f"delete document {document_id}") as client:
            response = client.options(ignore_status=404).delete(
                index=self._index, id=document_id, refresh=True
            )
        return bool(response.body.get("result") == "deleted")

    def clear(self) -> None:
        """Drop and re-create the index (the first step of a rebuild), whatever its schema."""
        with self._guard("clear the index", ensure=False) as client:
            client.options(ignore_status=404).indices.delete(index=self._index)
            self._ready = False
            self._ensure_index()

    def drop(self) -> None:
        """Delete the index altogether (temporary indices of benchmarks); safe if missing."""
        with self._guard("delete the index", ensure=False) as client:
            client.options(ignore_status=404).indices.delete(index=self._index)
            self._ready = False

    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``: total up to the cap, one page of hits with highlights, and facets.

        One multi-search: the count and facets over at most ``cap + 1`` matches
        (``terminate_after``), and the page. A text query's page is one search per ranking
        tier (``_tiers``), as on the embedded backend; each returns at most the page, with the
        names and body its highlights are made from.
        """
        plan = plan_query(query)
        if plan.nothing:
            return SearchResult(total=0)
        wanted = query.offset + query.limit
        searches = [self._counting(plan, query)]
        tiered = not plan.browse and plan.identifier is None
        tiers: list[tuple[dict[str, Any], float | None]]
        if tiered:
            tiers = [
                (_page(tier, 0, wanted, scored=score is None) | {"_source": _SOURCE}, score)
                for tier, score in _tiers(plan, _filters(query))
            ]
        else:
            page = _page(es_query(plan, query), query.offset, query.limit, scored=not plan.browse)
            tiers = [(page | {"_source": not plan.browse and _SOURCE}, None)]
        searches += [search for search, _score in tiers]
        action = f"search for {query.q!r}"
        with self._guard(action) as client:
            lines = [line for body in searches for line in ({"index": self._index}, body)]
            responses = [
                _answer(response, where=self._where, action=action)
                for response in client.msearch(searches=lines).body["responses"]
            ]
        counted, *pages = responses
        hits = [
            _hit(found, plan, score)
            for answer, (_search, score) in zip(pages, tiers, strict=True)
            for found in answer["hits"]["hits"]
        ]
        if tiered:  # each tier searched from the first hit
            hits = hits[query.offset : wanted]
        total = counted["hits"]["total"]["value"]
        return SearchResult(
            total=min(total, self._count_cap),
            total_is_lower_bound=total > self._count_cap,
            hits=hits,
            facets=SearchFacets(
                doc_type=_buckets(counted["aggregations"]["doc_type"]),
                stage=_buckets(counted["aggregations"]["stage"]),
            ),
        )

    def _counting(self, plan: QueryPlan, query: SearchQuery) -> dict[str, Any]:
        """The search counting at most ``cap + 1`` matches, with their facets."""
        return {
            "query": es_query(plan, query),
            "size": 0,
            "track_total_hits": True,
            "terminate_after": self._count_cap + 1,
            "aggs": {
                "doc_type": {"terms": {"field": "doc_type", "size": FACET_SIZE}},
                "stage": {"terms": {"field": "stage", "size": FACET_SIZE}},
            },
        }

    def count(self, query: SearchQuery | None = None) -> int:
        """How many documents match ``query`` (all documents when ``None``)."""
        query = query or SearchQuery()
        plan = plan_query(query)
        if plan.nothing:
            return 0
        with self._guard(f"count matches of {query.q!r}") as client:
            response = client.count(index=self._index, query=es_query(plan, query))
        return int(response.body["count"])

    def check(self) -> IndexHealth:
        """Verify the server answers and the index exists with this schema; count it."""
        documents = self.count()
        return IndexHealth(
            backend="elasticsearch", location=f"{self._url}/{self._index}", documents=documents
        )

    def ping(self) -> None:
        """Ask whether the index exists: one HEAD request, once the index is set up."""
        with self._guard("answer a ping") as client:
            quick = client.options(request_timeout=PING_SECONDS, max_retries=0)
            found = quick.indices.exists(index=self._index)
        if not found:
            raise _refusal(404, "no such index", where=self._where, action="answer a ping")

    def close(self) -> None:
        """Close the client's connections; safe to call twice."""
        self._client.close()


def _page(query: dict[str, Any], offset: int, size: int, *, scored: bool = False) -> dict[str, Any]:
    """The search for ``size`` hits of ``query`` from ``offset``: by score if ``scored``, then
    newest first, then by id (the index's own order); without counting or sources."""
    order: list[dict[str, Any]] = [
        {"date": {"order": "desc", "missing": "_last"}},
        {"document_id": "asc"},
    ]
    if scored:
        order.insert(0, {"_score": "desc"})
    return {
        "query": query,
        "sort": order,
        "from": offset,
        "size": size,
        "track_total_hits": False,
        "track_scores": scored,
        "_source": False,
        "docvalue_fields": [{"field": "case_no"}, {"field": "doc_type"}],
    }


def _refusal(status: int, reason: object, *, where: str, action: str) -> SearchError:
    """Our error for an answer of Elasticsearch with HTTP ``status``.

    A missing index (a node replaced by an empty one) and a server error are an outage of the
    index, whichever request met them; any other refusal is of the request itself.
    """
    if status == 404:
        return SearchUnavailableError(
            f"the {where} failed to {action}: it does not exist ({reason}); run "
            "`yekuo reindex` to rebuild it"
        )
    error = SearchUnavailableError if status >= 500 else SearchError
    return error(
        f"the {where} failed to {action}: {reason} (HTTP {status}); check the server's "
        "health and log, then retry"
    )


def _answer(response: dict[str, Any], *, where: str, action: str) -> dict[str, Any]:
    """One response of a multi-search, or the error it carries raised as ours."""
    if "error" not in response:
        return response
    status = int(response.get("status", 500))
    raise _refusal(status, response["error"], where=where, action=action)


def _hit(found: dict[str, Any], plan: QueryPlan, score: float | None) -> SearchHit:
    """A hit; ``score`` is its tier's when searched unscored, None to take Elasticsearch's."""
    values = found["fields"]
    if plan.browse:
        score = 0.0
    elif score is None:
        score = float(found["_score"])
    return SearchHit(
        document_id=found["_id"],
        case_no=values["case_no"][0],
        doc_type=values["doc_type"][0],
        score=score,
        highlights=[] if plan.browse else _hit_highlights(found.get("_source", {}), plan),
    )


def _buckets(aggregation: dict[str, Any]) -> dict[str, int]:
    return {b["key"]: b["doc_count"] for b in aggregation["buckets"] if b["key"]}
