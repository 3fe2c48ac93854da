"""The 考核 page: stages left on time and late per person and unit, with a bar per person and
the month-by-month trend as server-rendered SVG, the late steps, and the XLSX download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api._xlsx import xlsx_response
from api.deps import PageActorDep, RulesDep, SessionDep
from api.web._charts import person_chart, trend_chart
from api.web.render import PageRoute, render
from archive import (
    Permission,
    ValidationError,
    assignable_units,
    timeliness_report,
    timeliness_workbook,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MonthField = Annotated[str, Query(max_length=7)]
UnitField = Annotated[str, Query(max_length=64)]


def _month(raw: str) -> str | None:
    if raw and not (len(raw) == 7 and raw[4] == "-" and raw.replace("-", "").isdigit()):
        raise ValidationError(f"月份 {raw!r} 的格式不对，请用 年-月，例如 2025-10")
    return raw or None


@router.get("/reports/timeliness")
def timeliness_page(
    request: Request,
    session: SessionDep,
    rules: RulesDep,
    actor: PageActorDep,
    month: MonthField = "",
    unit: UnitField = "",
) -> Response:
    """考核: the month's stages on time and late, per person and unit, with charts."""
    actor.require(Permission.report)
    report = timeliness_report(session, month=_month(month), unit=unit or None, actor=actor)
    return render(
        request,
        "timeliness.html",
        {
            "report": report,
            "posts": rules.posts,
            "people_chart": person_chart(report, posts=rules.posts),
            "trend": trend_chart(report),
            "units": assignable_units(session, actor=actor),
            "chosen_unit": unit,
        },
        actor=actor,
    )


@router.get("/reports/timeliness/xlsx")
def timeliness_xlsx(
    session: SessionDep,
    rules: RulesDep,
    actor: PageActorDep,
    month: MonthField = "",
    unit: UnitField = "",
) -> Response:
    """The 考核 report of the page as an XLSX workbook."""
    actor.require(Permission.report)
    report = timeliness_report(session, month=_month(month), unit=unit or None, actor=actor)
    return xlsx_response(timeliness_workbook(report, book=rules), name=f"timeliness-{report.month}")
