"""The search page (reviewer, auditor, admin): one box, filters, facets, highlighted hits."""

from __future__ import annotations

import re
from typing import Annotated

import pydantic
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import select

from api.deps import IndexDep, NowDep, PageActorDep, SessionDep
from api.web.render import PageRoute, optional_choice, optional_date, problems_zh, render
from archive import (
    Category,
    DocType,
    Document,
    Permission,
    Stage,
    ValidationError,
    closed_cases,
    scoped_documents,
    search_unit,
)
from search import SearchError, SearchQuery

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 20
_NOT_A_MARK = re.compile(r"<(?!/?mark>)")


def safe_highlight(passage: str) -> Markup:
    """A highlight as HTML in which only ``<mark>`` and ``</mark>`` can be tags."""
    return Markup(_NOT_A_MARK.sub("&lt;", passage))


@router.get("/search")
def search_page(
    request: Request,
    session: SessionDep,
    index: IndexDep,
    now: NowDep,
    actor: PageActorDep,
    q: Annotated[str, Query(max_length=200)] = "",
    doc_type: Annotated[str, Query(max_length=40)] = "",
    stage: Annotated[str, Query(max_length=40)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
    offset: Annotated[int, Query(ge=0, le=9_000)] = 0,
) -> Response:
    """Search the archive; the first visit shows the newest documents."""
    actor.require(Permission.search)
    chosen_type = optional_choice(DocType, doc_type, label="资料类型")
    chosen_stage = optional_choice(Stage, stage, label="环节")
    chosen_category = optional_choice(Category, category, label="客户类别")
    try:
        query = SearchQuery(
            q=q.strip(),
            doc_type=chosen_type.value if chosen_type else None,
            stage=chosen_stage.value if chosen_stage else None,
            category=chosen_category.value if chosen_category else None,
            unit=search_unit(session, actor=actor),
            date_from=optional_date(date_from, label="起始日期"),
            date_to=optional_date(date_to, label="截止日期"),
            limit=PAGE_SIZE,
            offset=offset,
        )
    except pydantic.ValidationError as error:
        raise ValidationError(
            f"the search is not valid: {error.error_count()} problem(s)",
            message_zh="检索条件不正确：" + "；".join(problems_zh(error)),
        ) from None
    problem = ""
    try:
        result = index.search(query)
    except SearchError as error:
        result, problem = None, error.message
    hits = result.hits if result else []
    closed = closed_cases(session, (hit.case_no for hit in hits), actor=actor, now=now)
    documents = {
        d.id: d
        for d in session.scalars(
            scoped_documents(
                session,
                select(Document).where(Document.id.in_([h.document_id for h in hits])),
                actor=actor,
            )
        )
    }
    return render(
        request,
        "search.html",
        {
            "result": result,
            "problem": problem,
            "hits": [
                {
                    "hit": hit,
                    "document": documents.get(hit.document_id),
                    "closed": hit.case_no in closed,
                    "highlights": []
                    if hit.case_no in closed
                    else [safe_highlight(h) for h in hit.highlights],
                }
                for hit in hits
            ],
            "filters": {
                "q": q,
                "doc_type": doc_type,
                "stage": stage,
                "category": category,
                "date_from": date_from,
                "date_to": date_to,
            },
            "doc_types": list(DocType),
            "stages": list(Stage),
            "categories": list(Category),
            "offset": offset,
            "page_size": PAGE_SIZE,
        },
        actor=actor,
    )
