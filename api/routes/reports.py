"""Routes of reports: the consistency of paper and system across a unit's cases."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api._tables import consistency_download
from api.deps import RulesDep, SessionDep, require
from archive import (
    Actor,
    ConsistencyReport,
    Permission,
    Stage,
    consistency_report,
    today_in_china,
)

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/consistency",
    response_model=ConsistencyReport,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            },
            "description": "The report as JSON, or with format csv or xlsx as a file",
        }
    },
)
def get_consistency(
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
    unit: Annotated[
        str | None, Query(max_length=64, description="a unit code: it and the units under it")
    ] = None,
    stage: Stage | None = None,
    kind: Literal["mismatch", "missing", "unread"] | None = None,
    format: Annotated[
        Literal["json", "csv", "xlsx"], Query(description="json (default), csv or xlsx")
    ] = "json",
) -> ConsistencyReport | Response:
    """Per case of the unit: each field where paper and system disagree (document, page),
    each document still missing up to its stage, each document unread; counts by kind."""
    report = consistency_report(
        session, actor=actor, rules=rules, unit=unit, stage=stage, kind=kind, today=today_in_china()
    )
    if format == "json":
        return report
    return consistency_download(
        report, table_format=format, mask=not actor.can(Permission.view_pii)
    )
