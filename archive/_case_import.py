"""Importing case records from an export of the marketing system: all rows or none.

Every row is tried in a savepoint of one transaction, so the report names every bad row at
once (one the file gives wrongly, or one the database refuses: an archived case, another
unit's number). Then, unless ``skip_bad`` is given, one bad row means nothing is written;
``dry_run`` writes nothing either way. The report counts the rows created, updated, unchanged
and refused.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._auth import Actor
from archive._case_records import put_case
from archive._case_rows import CaseRow, RowProblem, parse_rows, read_table
from archive._completeness import flow_stages
from archive._errors import CaseArchivedError, ForbiddenError, NotFoundError, ValidationError
from archive._schemas import CaseImportProblem, CaseImportReport
from archive._vocabulary import LABELS_ZH, STAGE_LABELS_ZH
from archive.db._models import Case, Unit
from archive.rules._loader import rule_set_for
from archive.rules._model import RuleBook
from core import YekuoError


def import_case_records(
    session: Session,
    *,
    filename: str,
    content: bytes,
    actor: Actor,
    rules: RuleBook,
    today: dt.date,
    default_unit: str | None = None,
    may_move: bool,
    dry_run: bool = False,
    skip_bad: bool = False,
) -> CaseImportReport:
    """Import the case records of one CSV or XLSX file; the report of what was (or, with
    ``dry_run`` or a bad row, would have been) done.

    The caller commits when ``report.written``; a file yekuo cannot read at all (not CSV or
    XLSX, no header, a required column missing) is a ValidationError.
    """
    table = read_table(filename, content)
    units = {code: code for code in session.scalars(select(Unit.code))}
    units.update({name: code for code, name in session.execute(select(Unit.code, Unit.name))})
    rows, problems = parse_rows(table, default_unit=default_unit, units=units)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    notes: list[CaseImportProblem] = []
    outer = session.begin_nested()
    for row in rows:
        inner = session.begin_nested()
        try:
            result = put_case(
                session,
                data=row.data,
                actor=actor,
                source=f"import:{filename}",
                rules=rules,
                today=today,
                may_move=may_move,
            )
            note = _apply_stage(result.case, row, rules, created=result.outcome == "created")
        except YekuoError as exc:
            inner.rollback()
            problems.append(RowProblem(row.row, row.data.case_no, _reason_zh(exc)))
            continue
        inner.commit()
        counts[result.outcome] += 1
        if note:
            notes.append(CaseImportProblem(row=row.row, case_no=row.data.case_no, reason=note))
    written = not dry_run and (skip_bad or not problems)
    if written:
        outer.commit()
    else:
        outer.rollback()
    return CaseImportReport(
        file=filename,
        rows=len(table),
        **counts,
        refused=len(problems),
        written=written,
        dry_run=dry_run,
        problems=[
            CaseImportProblem(row=p.row, case_no=p.case_no, reason=p.reason)
            for p in sorted(problems, key=lambda p: p.row)
        ],
        notes=notes,
    )


def _apply_stage(case: Case, row: CaseRow, rules: RuleBook, *, created: bool) -> str | None:
    """A new case starts at the marketing system's stage (one of its flow); for a case yekuo
    has, a different stage is only noted: stages move in yekuo, through their checks."""
    if row.stage is None or row.stage.value == case.stage:
        return None
    label = STAGE_LABELS_ZH[row.stage]
    if not created:
        return f"营销系统环节为{label}，本系统为{STAGE_LABELS_ZH[case.stage]}：环节在本系统中推进"
    flow = [stage.stage for stage in flow_stages(case, rule_set_for(rules, case))]
    if row.stage not in flow:
        raise ValidationError(
            f"stage {row.stage.value} is not in the flow of case {case.case_no}",
            message_zh=f"当前环节{label}不在{LABELS_ZH[case.category]}的流程中",
        )
    case.stage = row.stage.value
    return None


def _reason_zh(exc: YekuoError) -> str:
    if isinstance(exc, CaseArchivedError):
        return "案件已归档，只读：须先由档案管理员重新开启"
    if isinstance(exc, ForbiddenError):
        return "供电单位不是本单位或下级单位，或无权把案件移交其他单位"
    if isinstance(exc, NotFoundError):
        return "没有权限修改该编号的案件"
    return exc.message_zh or "本行数据不合规，无法保存：请核对各列"
