"""Importing case records from an export of the marketing system: all rows or none.

Every row is first judged without writing anything — read from the file (``_case_rows``) and
then against the database in a few queries for the whole file: another unit's number, an
archived case whose record would change, a new unit without the right to move a case, a stage
off the case's flow. So the report names every bad row at once, and, unless ``skip_bad`` is
given, one bad row means nothing is written; ``dry_run`` writes nothing either way. The rows
then written go through ``put_case`` like a push to ``PUT /cases/{case_no}``; a new case
starts in its 当前环节, with its stay there assigned and timed as on entering any stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._auth import Actor
from archive._case_records import Outcome, put_case, record_fields, wanted_fields
from archive._case_rows import CaseRow, RowProblem, parse_rows, read_table
from archive._completeness import flow_stages
from archive._schemas import CaseImportProblem, CaseImportReport
from archive._scope import visible_units
from archive._unit_tree import unit_tree
from archive._vocabulary import LABELS_ZH, STAGE_LABELS_ZH, Stage
from archive.db._models import Case, Customer, Unit
from archive.rules._loader import rule_set_for
from archive.rules._model import RuleBook
from core import YekuoError

_CHUNK = 500  # numbers per IN (...) query: well below every database's parameter limit


@dataclass(frozen=True)
class _Plan:
    row: CaseRow
    outcome: Outcome
    note: str | None = None


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

    The caller commits; a file yekuo cannot read at all (not CSV or XLSX, no header, a
    required column missing) is a ValidationError and writes nothing.
    """
    table = read_table(filename, content)
    units = {code: code for code in session.scalars(select(Unit.code))}
    units.update({name: code for code, name in session.execute(select(Unit.code, Unit.name))})
    rows, problems = parse_rows(table, default_unit=default_unit, units=units)
    plans = _judge(
        session, rows, problems, actor=actor, rules=rules, today=today, may_move=may_move
    )
    written = not dry_run and (skip_bad or not problems)
    if written:
        for plan in plans:
            _write(session, plan, actor=actor, filename=filename, rules=rules, today=today)
    return CaseImportReport(
        file=filename,
        rows=len(table),
        created=sum(plan.outcome == "created" for plan in plans),
        updated=sum(plan.outcome == "updated" for plan in plans),
        unchanged=sum(plan.outcome == "unchanged" for plan in plans),
        refused=len(problems),
        written=written,
        dry_run=dry_run,
        problems=[
            CaseImportProblem(row=p.row, case_no=p.case_no, reason=p.reason)
            for p in sorted(problems, key=lambda p: p.row)
        ],
        notes=[
            CaseImportProblem(row=plan.row.row, case_no=plan.row.data.case_no, reason=plan.note)
            for plan in plans
            if plan.note
        ],
    )


def _judge(
    session: Session,
    rows: list[CaseRow],
    problems: list[RowProblem],
    *,
    actor: Actor,
    rules: RuleBook,
    today: dt.date,
    may_move: bool,
) -> list[_Plan]:
    """What each row would do; a row that would be refused goes to ``problems`` instead."""
    numbers = [row.data.case_no for row in rows]
    existing: dict[str, Case] = {}
    for start in range(0, len(numbers), _CHUNK):
        chunk = numbers[start : start + _CHUNK]
        existing.update(
            {c.case_no: c for c in session.scalars(select(Case).where(Case.case_no.in_(chunk)))}
        )
    visible = visible_units(session, actor=actor)
    top = unit_tree(session).top.code
    plans: list[_Plan] = []
    for row in rows:
        case = existing.get(row.data.case_no)
        try:
            if case is None:
                unit = row.data.unit or actor.unit or top
                plans.append(
                    _judge_new(row, rules=rules, today=today, allowed=_allowed(visible, unit))
                )
            else:
                plans.append(_judge_existing(row, case, visible=visible, may_move=may_move))
        except _RefusedError as refused:
            problems.append(RowProblem(row.row, row.data.case_no, refused.reason))
        except YekuoError as exc:
            reason = exc.message_zh or "本行数据不合规，无法保存：请核对各列"
            problems.append(RowProblem(row.row, row.data.case_no, reason))
    return plans


class _RefusedError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _allowed(visible: frozenset[str] | None, unit: str) -> bool:
    return visible is None or unit in visible


def _judge_new(row: CaseRow, *, rules: RuleBook, today: dt.date, allowed: bool) -> _Plan:
    if not allowed:
        raise _RefusedError("「供电单位」不是本单位或下级单位")
    if row.stage is not None:
        data = row.data
        draft = Case(
            case_no=data.case_no,
            category=data.category.value,
            business_type=data.business_type.value,
            capacity_kva=data.capacity_kva,
            accepted_on=data.accepted_on or today,
            facts=dict(data.facts),
            customer=Customer(name=data.customer.name, credit_code=data.customer.credit_code),
        )
        if row.stage not in [
            stage.stage for stage in flow_stages(draft, rule_set_for(rules, draft))
        ]:
            raise _RefusedError(
                f"当前环节{STAGE_LABELS_ZH[row.stage]}不在{LABELS_ZH[data.category]}的流程中"
            )
    return _Plan(row=row, outcome="created")


def _judge_existing(
    row: CaseRow, case: Case, *, visible: frozenset[str] | None, may_move: bool
) -> _Plan:
    if not _allowed(visible, case.unit):
        raise _RefusedError("没有权限修改该编号的案件")
    before = record_fields(case)
    after = wanted_fields(row.data, current=before)
    note = None
    if row.stage is not None and row.stage.value != case.stage:
        note = (
            f"营销系统环节为{STAGE_LABELS_ZH[row.stage]}，本系统为{STAGE_LABELS_ZH[case.stage]}："
            "环节在本系统中推进"
        )
    if after == before:
        return _Plan(row=row, outcome="unchanged", note=note)
    if case.archived_at is not None:
        raise _RefusedError("案件已归档，只读：须先由档案管理员重新开启")
    if after["unit"] != before["unit"]:
        if not may_move:
            raise _RefusedError("无权把案件移交其他单位：请删去「供电单位」或填原单位")
        if not _allowed(visible, after["unit"] or ""):
            raise _RefusedError("「供电单位」不是本单位或下级单位")
    return _Plan(row=row, outcome="updated", note=note)


def _write(
    session: Session, plan: _Plan, *, actor: Actor, filename: str, rules: RuleBook, today: dt.date
) -> None:
    if plan.outcome == "unchanged":
        return
    put_case(
        session,
        data=plan.row.data,
        actor=actor,
        source=f"import:{filename}",
        rules=rules,
        today=today,
        may_move=True,  # judged above
        stage=plan.row.stage or Stage.application,  # where it is in the marketing system
    )
