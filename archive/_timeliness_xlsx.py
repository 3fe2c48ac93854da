"""The 考核 report as an XLSX workbook (openpyxl): one sheet each for people, units, late
steps and the trend, with Chinese headers."""

from __future__ import annotations

import io

from openpyxl import Workbook

from archive._timeliness import TimelinessCount, TimelinessReport
from archive._vocabulary import STAGE_LABELS_ZH
from archive.rules._model import RuleBook

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rate(count: TimelinessCount) -> str:
    return f"{count.on_time / count.total:.0%}" if count.total else "—"


def timeliness_workbook(report: TimelinessReport, *, book: RuleBook) -> bytes:
    """The workbook of ``report``; posts are named as ``book`` names them."""
    workbook = Workbook()
    people = workbook.active
    assert people is not None  # a new workbook has its first sheet
    people.title = "人员"
    people.append(["责任人", "用户名", "岗位（无人时）", "单位", "按时", "超时", "按时率"])
    for p in report.people:
        people.append(
            [
                p.display_name or "（无人）",
                p.username or "",
                book.post_label(p.post),
                p.unit or "",
                p.on_time,
                p.late,
                _rate(p),
            ]
        )
    units = workbook.create_sheet("单位")
    units.append(["单位代码", "单位名称", "按时", "超时", "按时率"])
    for u in report.units:
        units.append([u.unit, u.unit_name, u.on_time, u.late, _rate(u)])
    late = workbook.create_sheet("超时环节")
    late.append(
        ["案件编号", "环节", "岗位", "单位", "责任人", "进入日期", "完成日期", "时限（工作日）",
         "应完成日期", "用时（工作日）", "超时（工作日）"]
    )  # fmt: skip
    for s in report.late_steps:
        late.append(
            [s.case_no, STAGE_LABELS_ZH[s.stage], book.post_label(s.post), s.unit or "",
             s.display_name or "（无人）", s.entered_on, s.left_on, s.time_limit_days, s.due_on,
             s.working_days, s.days_over]
        )  # fmt: skip
    trend = workbook.create_sheet("月度趋势")
    trend.append(["月份", "按时", "超时", "按时率"])
    for m in report.trend:
        trend.append([m.month, m.on_time, m.late, _rate(m)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
