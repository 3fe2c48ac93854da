"""Case records on the web: the case page's edit form, its 记录变更, and the import page.

The edit form and the import page call the services of ``PUT /api/v1/cases/{case_no}`` and
``yekuo cases import`` (``put_case``, ``import_case_records``): what a page changes is kept in
the same history (source ``web``, or ``import:<file name>``), audited, and re-checked alike.
"""

from __future__ import annotations

from typing import Any

import pydantic
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api._session import CSRF_FIELD, check_csrf
from api.deps import PageActorDep, RulesDep, SessionDep
from api.web.cases import case_body_from_form
from api.web.render import PageRoute, problems_zh, render
from archive import (
    CASE_FIELD_LABELS_ZH,
    LABELS_ZH,
    Actor,
    CaseCreate,
    CaseRecordChangePublic,
    Permission,
    ValidationError,
    assignable_units,
    get_case,
    import_case_records,
    put_case,
    today_in_china,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MAX_IMPORT_BYTES = 20 * 1024 * 1024
"""The largest export the import page takes (about 100,000 rows of CSV)."""

_CODED_FIELDS = frozenset({"category", "business_type"})


def source_zh(source: str) -> str:
    """Where a change of the record came from, in Chinese."""
    if source.startswith("import:"):
        return f"导入文件 {source.removeprefix('import:')}"
    return {"api": "营销系统推送", "web": "页面修改"}.get(source, source)


def history_rows(changes: list[CaseRecordChangePublic]) -> list[dict[str, Any]]:
    """The record history as the case page lists it: labels and values in Chinese."""

    def shown(field: str, value: str | None) -> str:
        if value is None or value == "":
            return "—"
        return LABELS_ZH.get(value, value) if field in _CODED_FIELDS else value

    return [
        {
            "at": change.at,
            "field": CASE_FIELD_LABELS_ZH.get(change.field, change.field),
            "old": shown(change.field, change.old),
            "new": shown(change.field, change.new),
            "source": source_zh(change.source),
            "actor": change.actor,
        }
        for change in changes
    ]


@router.post("/cases/{case_no}/record")
async def edit_record(
    request: Request, case_no: str, session: SessionDep, rules: RulesDep, actor: PageActorDep
) -> Response:
    """Save the case page's edit form with ``put_case`` (source ``web``); the unit stays."""
    actor.require(Permission.update_record)
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    values = {key: str(value).strip() for key, value in form.items() if key != CSRF_FIELD}
    case = await run_in_threadpool(get_case, session, case_no=case_no, actor=actor)
    body = {**case_body_from_form(values), "case_no": case.case_no, "unit": None}
    try:
        data = CaseCreate.model_validate(body)
    except pydantic.ValidationError as error:
        raise ValidationError(
            f"the record of case {case.case_no} was not saved: {error.error_count()} field(s)",
            message_zh="登记信息未保存。" + "；".join(problems_zh(error)) + "。",
        ) from error
    result = await run_in_threadpool(_save, session, data, actor, rules)
    changed = len(result)
    return RedirectResponse(f"/cases/{case.case_no}?record={changed}", status_code=303)


def _save(session: Session, data: CaseCreate, actor: Actor, rules: Any) -> list[Any]:
    result = put_case(
        session,
        data=data,
        actor=actor,
        source="web",
        rules=rules,
        today=today_in_china(),
        may_move=False,
    )
    session.commit()
    return result.changes


def _import_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    report: Any = None,
    problem: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "case_import.html",
        {
            "report": report,
            "problem": problem,
            "units": assignable_units(session, actor=actor),
        },
        actor=actor,
        status_code=status_code,
    )


@router.get("/cases/import")
def import_form(request: Request, session: SessionDep, actor: PageActorDep) -> Response:
    """The upload form of an export of the marketing system (archivist, reviewer, admin)."""
    actor.require(Permission.update_record)
    return _import_page(request, session, actor)


@router.post("/cases/import")
async def import_upload(
    request: Request, session: SessionDep, rules: RulesDep, actor: PageActorDep
) -> Response:
    """Import the uploaded CSV or XLSX as ``yekuo cases import`` does; the page shows the
    report (all rows or none, unless 跳过错误行 is ticked)."""
    actor.require(Permission.update_record)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_IMPORT_BYTES:
        raise ValidationError(
            "the export is larger than 20 MB; split it into several files",
            message_zh="文件超过 20 MB：请分成几个文件导入",
        )
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(
            _import_page, request, session, actor, problem="请选择要导入的文件", status_code=422
        )
    try:
        content = await upload.read()
    finally:
        await upload.close()
    filename = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        report = await run_in_threadpool(
            import_case_records,
            session,
            filename=filename,
            content=content,
            actor=actor,
            rules=rules,
            today=today_in_china(),
            default_unit=str(form.get("unit") or "") or actor.unit,
            may_move=actor.can(Permission.move_case),
            dry_run=form.get("dry_run") == "1",
            skip_bad=form.get("skip_bad") == "1",
        )
    except ValidationError as error:
        session.rollback()
        return await run_in_threadpool(
            _import_page,
            request,
            session,
            actor,
            problem=error.message_zh or "文件无法读取：请上传 CSV 或 XLSX 文件",
            status_code=422,
        )
    await run_in_threadpool(session.commit if report.written else session.rollback)
    return await run_in_threadpool(_import_page, request, session, actor, report=report)
