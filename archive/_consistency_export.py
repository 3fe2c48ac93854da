"""The consistency report as a table to open in Excel: one row per item, Chinese headers.

CSV is UTF-8 with a byte-order mark (so Excel reads the Chinese); XLSX is written with
openpyxl. With ``mask`` every citizen ID number in a cell is masked (``410105********6366``):
the JSON and CSV answers of the API are masked at its edge, a workbook is not text, so its
cells are masked here for a reader without ``view_pii``.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from archive._consistency import KIND_LABELS_ZH
from archive._privacy import mask_citizen_id
from archive._schemas import ConsistencyReport
from archive._vocabulary import DOC_TYPE_LABELS_ZH, FIELD_LABELS_ZH, STAGE_LABELS_ZH

HEADERS = (
    "申请编号",
    "户名",
    "供电单位",
    "当前环节",
    "类别",
    "资料",
    "资料类型",
    "页",
    "项目",
    "纸质资料",
    "营销系统",
    "说明",
)


def consistency_rows(report: ConsistencyReport, *, mask: bool) -> list[list[str]]:
    """The header, then one row per item of each case, in the report's order."""
    rows = [list(HEADERS)]
    for case in report.cases:
        for item in case.items:
            rows.append(
                [
                    case.case_no,
                    case.customer_name,
                    case.unit,
                    STAGE_LABELS_ZH[case.stage],
                    KIND_LABELS_ZH[item.kind],
                    item.document or item.document_id or "",
                    DOC_TYPE_LABELS_ZH.get(item.doc_type or "", item.doc_type or ""),
                    str(item.page) if item.page is not None else "",
                    FIELD_LABELS_ZH.get(item.field or "", item.field or ""),
                    item.paper or "",
                    item.system or "",
                    item.detail,
                ]
            )
    if mask:
        return [[mask_citizen_id(cell) for cell in row] for row in rows]
    return rows


def consistency_csv(report: ConsistencyReport, *, mask: bool) -> bytes:
    """The report as CSV (UTF-8 with a byte-order mark, CRLF line ends)."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(consistency_rows(report, mask=mask))
    return out.getvalue().encode("utf-8-sig")


def consistency_xlsx(report: ConsistencyReport, *, mask: bool) -> bytes:
    """The report as an XLSX workbook: one sheet of items, one of counts."""
    workbook = Workbook()
    items = workbook.active
    assert items is not None  # a new workbook has its first sheet
    items.title = "明细"
    for row in consistency_rows(report, mask=mask):
        items.append(row)
    items.freeze_panes = "A2"
    counts = workbook.create_sheet("汇总")
    counts.append(["项目", "数量"])
    counts.append(["有问题的案件", report.counts.cases])
    for kind, label in KIND_LABELS_ZH.items():
        counts.append([label, getattr(report.counts, kind)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
