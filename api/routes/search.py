"""The search route: full text and identifiers over documents (reviewer, auditor, admin)."""

from __future__ import annotations

from typing import Annotated

import pydantic
from fastapi import APIRouter, Depends, Query

from api._input import IsoDate
from api.deps import IndexDep, NowDep, SessionDep, require
from archive import Actor, Permission, ValidationError, closed_cases, search_unit
from search import MAX_LIMIT, MAX_WINDOW, SearchQuery, SearchResult

router = APIRouter(tags=["search"])


@router.get("/search")
def get_search(
    index: IndexDep,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.search))],
    q: Annotated[str, Query(max_length=200, description="Words, a name or an identifier")] = "",
    case_no: str | None = None,
    doc_type: str | None = None,
    stage: str | None = None,
    category: str | None = None,
    date_from: Annotated[IsoDate | None, Query(description="Document date on or after")] = None,
    date_to: Annotated[IsoDate | None, Query(description="Document date on or before")] = None,
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_WINDOW)] = 0,
) -> SearchResult:
    """Documents matching ``q`` and the filters, best first, with highlights and facets.

    An identifier (ID number, credit code, case or contract number) matches however it is
    typed; other words must all occur. Only documents of the cases of the searcher's unit
    and the units under it are found. A hit of an archived case the searcher has no active
    loan of comes without its highlights. A search index outage answers 503.
    """
    try:
        query = SearchQuery(
            q=q,
            case_no=case_no or None,
            doc_type=doc_type or None,
            stage=stage or None,
            category=category or None,
            unit=search_unit(session, actor=actor),
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )
    except pydantic.ValidationError as error:
        problems = "; ".join(item["msg"] for item in error.errors())
        raise ValidationError(f"the search is not valid: {problems}") from error
    result = index.search(query)
    closed = closed_cases(session, (hit.case_no for hit in result.hits), actor=actor, now=now)
    hits = [
        hit.model_copy(update={"highlights": []}) if hit.case_no in closed else hit
        for hit in result.hits
    ]
    return result.model_copy(update={"hits": hits})
