"""The SQL of the embedded index's searches: what matches, its count up to a cap, and the page.

A search must cost what its page costs, not what all its matches cost (at 1 M documents a
phrase found in 76,000 of them took 245 ms when every match was joined, ordered and
counted). Three things make that so:

* A document's ``rowid`` is its date's ordinal shifted left by ``DAY_SHIFT`` plus a number
  within that day (undated documents have day 0). Walking the FTS matches in descending
  ``rowid`` order, which FTS5 does natively, is walking them newest first; a date filter is
  a ``rowid`` range; the walk stops once the page is full (plus the rest of the last day,
  so that a day's documents are ordered by ``document_id`` as the ranking says).
* The tiers above "every term only in the text" need a term in a name or the exact name:
  those documents are found through the ``names`` table or the FTS matches, whichever
  holds fewer rows, and the name keys, ordered among themselves, and come before the walk,
  which skips them.
* Counting (and the facets) reads at most ``cap + 1`` matches.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from search._models import SearchQuery
from search._normalize import Segment, bigram_tokens, identifier_key
from search._plan import (
    SCORE_FIELD_ID,
    SCORE_ID_PREFIX,
    SCORE_ID_TEXT,
    SCORE_NAME_EXACT,
    SCORE_TERM_IN_NAME,
    SCORE_TERM_IN_TEXT,
    SCORE_TEXT_ID,
    QueryPlan,
)

KIND_TEXT_ID, KIND_FIELD_ID, KIND_NAME = 1, 2, 3
DAY_SHIFT = 32
"""``rowid = day << DAY_SHIFT | number within the day``: room for 4 billion a day."""

Row = tuple[int, str, str, str, float]
"""``(rowid, document_id, case_no, doc_type, score)`` of one hit."""

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
_RANKED = "score DESC, d.rowid >> 32 DESC, d.document_id"
"""Best tier first, then newest (the day in the rowid), then by id: ``search._plan``."""
_HIT = "d.rowid, d.document_id, d.case_no, d.doc_type"
DRIVE_CAP = 10_000
"""How far the two ways into a tier are counted to choose the one with fewer rows."""


def day_of(date: dt.date | None) -> int:
    """The day part of a document's rowid: the date's ordinal, 0 when it has none."""
    return date.toordinal() if date else 0


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


def _filters(query: SearchQuery, rowid: str) -> tuple[str, dict[str, Any]]:
    """``AND``-ed conditions on ``docs d``; the dates as a range of ``rowid``."""
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
    if query.date_from is not None or query.date_to is not None:
        # day 0 (undated) is below every date's range: a date filter excludes it
        first = day_of(query.date_from) if query.date_from else 1
        clauses.append(f"{rowid} >= :f_from")
        params["f_from"] = first << DAY_SHIFT
    if query.date_to is not None:
        clauses.append(f"{rowid} < :f_to")
        params["f_to"] = (day_of(query.date_to) + 1) << DAY_SHIFT
    return (" AND ".join(clauses) or "1"), params


@dataclass(frozen=True, slots=True)
class Matches:
    """The documents matching a query: ``FROM``/``WHERE`` joining them to their ``docs`` rows
    (``d``) under the query's filters, and the ``rowid`` that drives the walk."""

    source: str
    params: dict[str, Any]
    rowid: str

    def with_params(self, params: dict[str, Any]) -> Matches:
        """The same matches with more parameters bound."""
        return Matches(self.source, params | self.params, self.rowid)


def matches(plan: QueryPlan, query: SearchQuery) -> Matches:
    """The documents matching ``plan`` under the filters of ``query``, unscored.

    ``CROSS JOIN`` keeps the matches as the outer loop: SQLite would otherwise walk a filter's
    index over ``docs`` and probe the FTS index once per row, which is far slower.
    """
    if plan.browse:
        where, params = _filters(query, "d.rowid")
        return Matches(f"FROM docs d WHERE {where}", params, "d.rowid")
    if plan.identifier is not None:
        where, params = _filters(query, "d.rowid")
        params |= _identifier_params(plan)
        source = f"FROM ({_IDENT_MATCHED}) m CROSS JOIN docs d ON d.rowid = m.doc WHERE {where}"
        return Matches(source, params, "d.rowid")
    where, params = _filters(query, "fts.rowid")
    source = f"FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH :match AND {where}"
    return Matches(source, params | {"match": fts_match(plan)}, "fts.rowid")


def _identifier_params(plan: QueryPlan) -> dict[str, Any]:
    assert plan.identifier is not None
    key = plan.identifier
    match = f"words : {_phrase(bigram_tokens(plan.phrase))}"
    return {"key": key, "key_end": key + "\x7f", "match": match}


def counted_facets(
    conn: sqlite3.Connection, plan: QueryPlan, query: SearchQuery, cap: int
) -> list[int]:
    """The facet number of each match, reading at most ``cap + 1`` matches."""
    found = matches(plan, query)
    rows = conn.execute(
        f"SELECT d.facet {found.source} LIMIT :cap", found.params | {"cap": cap + 1}
    )
    return [facet for (facet,) in rows]


def page(conn: sqlite3.Connection, plan: QueryPlan, query: SearchQuery) -> list[Row]:
    """The hits of ``query``'s page, in ranked order."""
    wanted = query.offset + query.limit
    found = matches(plan, query)
    if plan.identifier is not None:
        sql = f"SELECT {_HIT}, m.score AS score {found.source} ORDER BY {_RANKED} LIMIT :n"
        return conn.execute(sql, found.params | {"n": wanted}).fetchall()[query.offset :]
    if plan.browse:
        return _newest(conn, found, wanted, 0.0)[query.offset :]
    return _text_page(conn, plan, query, wanted)[query.offset :]


def _newest(conn: sqlite3.Connection, found: Matches, wanted: int, score: float) -> list[Row]:
    """The first ``wanted`` of ``found`` newest first, then by id, walking ``rowid`` down.

    The walk reads the rest of its last day too: a day's documents are ordered by id,
    which their rowids are not.
    """
    sql = f"SELECT {_HIT} {found.source} {{more}} ORDER BY {found.rowid} DESC LIMIT :n"
    rows: list[tuple[int, str, str, str]] = conn.execute(
        sql.format(more=""), found.params | {"n": wanted}
    ).fetchall()
    if rows and len(rows) == wanted:
        last = rows[-1][0]
        bounds = {"n": -1, "day_lo": (last >> DAY_SHIFT) << DAY_SHIFT, "day_hi": last}
        more = f"AND {found.rowid} >= :day_lo AND {found.rowid} < :day_hi"
        rows += conn.execute(sql.format(more=more), found.params | bounds).fetchall()
        rows.sort(key=lambda row: (-(row[0] >> DAY_SHIFT), row[1]))
    return [(*row, score) for row in rows[:wanted]]


def _in_names(conn: sqlite3.Connection, plan: QueryPlan) -> list[int]:
    """The numbers of the terms some name holds: the others add a constant to every score."""
    return [
        number
        for number, term in enumerate(plan.terms)
        if conn.execute(
            "SELECT 1 FROM names WHERE names MATCH ? LIMIT 1", (_term_match(term),)
        ).fetchone()
    ]


def _text_page(
    conn: sqlite3.Connection, plan: QueryPlan, query: SearchQuery, wanted: int
) -> list[Row]:
    """The first ``wanted`` hits of a text query, tier by tier.

    First the documents whose exact name the query is (few: ranked together). Then, for
    k from the number of terms some name holds down to 0, the documents with exactly k
    terms in a name, one score: each set of k terms is walked newest first and the walks
    merged, stopping once the page is full.
    """
    named = _in_names(conn, plan)
    params: dict[str, Any] = {f"t{n}": _term_match(term) for n, term in enumerate(plan.terms)}
    params |= {"match": fts_match(plan), "name": plan.name_key}
    exact = f"SELECT doc FROM keys WHERE key = :name AND kind = {KIND_NAME}"
    ranked: list[Row] = []
    if conn.execute(f"{exact} LIMIT 1", params).fetchone():
        ranked = _exact_names(conn, plan, query, named, params, wanted)
    else:
        exact = ""
    terms = len(plan.terms)
    matched = _count(conn, "fts", params["match"], DRIVE_CAP) if named else 0
    for k in range(len(named), -1, -1):
        if len(ranked) >= wanted:
            break
        score = k * SCORE_TERM_IN_NAME + (terms - k) * SCORE_TERM_IN_TEXT
        tier: list[Row] = []
        for chosen in combinations(named, k):
            from_names = bool(chosen) and (
                matched >= DRIVE_CAP
                or _count(conn, "names", _chosen_match(plan, chosen), matched) < matched
            )
            found = _tier(plan, query, set(chosen), named, exact, from_names=from_names)
            tier += _newest(conn, found.with_params(params), wanted - len(ranked), score)
        tier.sort(key=lambda row: (-(row[0] >> DAY_SHIFT), row[1]))
        ranked += tier[: wanted - len(ranked)]
    return ranked


def _count(conn: sqlite3.Connection, table: str, match: str, cap: int) -> int:
    """How many rows of ``table`` (``fts`` or ``names``) ``match`` finds, counted up to ``cap``."""
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)"
    counted: int = conn.execute(sql, (match, cap)).fetchone()[0]
    return counted


def _chosen_match(plan: QueryPlan, chosen: Iterable[int]) -> str:
    """The FTS5 expression for the ``names`` holding every term numbered in ``chosen``."""
    return " AND ".join(f"({_term_match(plan.terms[n])})" for n in sorted(chosen))


def _tier(
    plan: QueryPlan,
    query: SearchQuery,
    chosen: set[int],
    named: list[int],
    exact: str,
    *,
    from_names: bool,
) -> Matches:
    """The matches with the terms ``chosen`` in a name and no other term in one.

    Walked from whichever of two finds fewer rows: the ``names`` holding the chosen terms
    (a term in no chosen name must then be in the text), or ``fts`` matching every term (the
    chosen terms then probed in ``names``). A common character in a name (司) is in 400,000
    names at 1 M documents while the whole query matches 15: walking those names, a page that
    never fills probed every one (8 s). The other conditions are probes of one document each,
    which a walk that stops at the page makes few.
    """
    table = "names" if from_names else "fts"
    rowid = f"{table}.rowid"
    where, params = _filters(query, rowid)
    conditions = [where]
    if chosen:
        params["chosen"] = _chosen_match(plan, chosen)
    if chosen and not from_names:
        conditions.append(
            f"EXISTS (SELECT 1 FROM names AS mine WHERE mine.names MATCH :chosen "
            f"AND mine.rowid = {rowid})"
        )
    for number in range(len(plan.terms)):
        if number in chosen:
            continue
        if number in named:
            conditions.append(
                f"NOT EXISTS (SELECT 1 FROM names AS other WHERE other.names MATCH :t{number} "
                f"AND other.rowid = {rowid})"
            )
        if from_names:
            conditions.append(
                f"EXISTS (SELECT 1 FROM fts AS text WHERE text.fts MATCH :t{number} "
                f"AND text.rowid = {rowid})"
            )
    if exact:
        conditions.append(f"{rowid} NOT IN ({exact})")
    match = ":chosen" if from_names else ":match"
    source = (
        f"FROM {table} CROSS JOIN docs d ON d.rowid = {rowid} "
        f"WHERE {table} MATCH {match} AND {' AND '.join(conditions)}"
    )
    return Matches(source, params, rowid)


def _exact_names(
    conn: sqlite3.Connection,
    plan: QueryPlan,
    query: SearchQuery,
    named: list[int],
    params: dict[str, Any],
    wanted: int,
) -> list[Row]:
    """The matches whose exact name the query is, scored and in ranked order.

    Probing ``fts`` for one document is slow, so a document whose names hold every term,
    and therefore matches, is not probed.
    """
    parts = [
        f"CASE WHEN d.rowid IN (SELECT rowid FROM names WHERE names MATCH :t{n}) "
        f"THEN {SCORE_TERM_IN_NAME} ELSE {SCORE_TERM_IN_TEXT} END"
        if n in named
        else str(SCORE_TERM_IN_TEXT)
        for n in range(len(plan.terms))
    ]
    where, filters = _filters(query, "d.rowid")
    sql = (
        f"SELECT {_HIT}, {' + '.join(parts)} + {SCORE_NAME_EXACT} AS score "
        f"FROM keys k CROSS JOIN docs d ON d.rowid = k.doc "
        f"WHERE k.key = :name AND k.kind = {KIND_NAME} AND {where} "
        "AND CASE WHEN d.rowid IN (SELECT rowid FROM names WHERE names MATCH :match) THEN 1 "
        "ELSE EXISTS (SELECT 1 FROM fts WHERE fts MATCH :match AND fts.rowid = d.rowid) END "
        f"ORDER BY {_RANKED} LIMIT :n"
    )
    return conn.execute(sql, params | filters | {"n": wanted}).fetchall()
