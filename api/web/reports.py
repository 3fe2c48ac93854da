"""The report pages: 一致性报告 (paper against system across a unit's cases) and its export.

Both call ``consistency_report``, the service of ``GET /api/v1/reports/consistency``; the
filters are in the URL, so a view can be bookmarked and its export is the same view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api._tables import consistency_download
from api.deps import PageActorDep, RulesDep, SessionDep
from api.web.render import PageRoute, optional_choice, render
from archive import (
    CONSISTENCY_KINDS,
    KIND_LABELS_ZH,
    Actor,
    ConsistencyReport,
    Permission,
    RuleBook,
    Stage,
    ValidationError,
    assignable_units,
    consistency_report,
    today_in_china,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

FilterText = Annotated[str, Query(max_length=64)]


@dataclass(frozen=True)
class _Filters:
    unit: str
    stage: str
    kind: str

    def query(self, **extra: str) -> str:
        values = {**{k: v for k, v in vars(self).items() if v}, **extra}
        return urlencode(values)


def _report(
    session: Session, actor: Actor, rules: RuleBook, filters: _Filters
) -> ConsistencyReport:
    actor.require(Permission.read)
    stage = optional_choice(Stage, filters.stage, label="环节")
    kind = next((k for k in CONSISTENCY_KINDS if k == filters.kind), None)
    if filters.kind and kind is None:
        raise ValidationError(
            f"类别 {filters.kind!r} 无效：可选 {'、'.join(KIND_LABELS_ZH.values())}"
        )
    return consistency_report(
        session,
        actor=actor,
        rules=rules,
        unit=filters.unit or None,
        stage=stage,
        kind=kind,
        today=today_in_china(),
    )


@router.get("/reports/consistency")
def consistency_page(
    request: Request,
    session: SessionDep,
    rules: RulesDep,
    actor: PageActorDep,
    unit: FilterText = "",
    stage: FilterText = "",
    kind: FilterText = "",
) -> Response:
    """一致性报告: per case, where paper and system disagree, what is missing, what is unread."""
    filters = _Filters(unit=unit.strip(), stage=stage, kind=kind)
    report = _report(session, actor, rules, filters)
    return render(
        request,
        "report_consistency.html",
        {
            "report": report,
            "filters": filters,
            "units": assignable_units(session, actor=actor),
            "stages": list(Stage),
            "kinds": KIND_LABELS_ZH,
            "csv_link": "/reports/consistency/export?" + filters.query(format="csv"),
            "xlsx_link": "/reports/consistency/export?" + filters.query(format="xlsx"),
        },
        actor=actor,
    )


@router.get("/reports/consistency/export")
def consistency_export(
    session: SessionDep,
    rules: RulesDep,
    actor: PageActorDep,
    unit: FilterText = "",
    stage: FilterText = "",
    kind: FilterText = "",
    format: Annotated[str, Query(max_length=8)] = "csv",
) -> Response:
    """The page's view as CSV or XLSX; citizen ID numbers masked, as on every page."""
    if format not in ("csv", "xlsx"):
        raise ValidationError(f"导出格式 {format!r} 无效：可选 CSV 或 XLSX")
    report = _report(session, actor, rules, _Filters(unit=unit.strip(), stage=stage, kind=kind))
    return consistency_download(
        report, table_format="csv" if format == "csv" else "xlsx", mask=True
    )
