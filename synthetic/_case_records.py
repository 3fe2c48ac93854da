"""Invented case records as the marketing system exports them (Chinese headers), some bad."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass

from openpyxl import Workbook

from synthetic._identity import make_company, make_person

HEADERS = (
    "申请编号",
    "户名",
    "证件号码",
    "用电地址",
    "联系电话",
    "法定代表人",
    "法定代表人证件号码",
    "申请容量（kVA）",
    "业务类型",
    "客户分类",
    "受理日期",
    "当前环节",
    "供电单位",
)

_BAD: tuple[tuple[str, str], ...] = (
    ("户名", ""),
    ("申请容量（kVA）", "八千"),
    ("证件号码", "12345"),
    ("客户分类", "工业"),
    ("受理日期", "2026-02-30"),
)
"""The faults of bad rows, in turn: the column and the value it gets."""


@dataclass(frozen=True)
class CaseRecordExport:
    """Rows of an export (header → cell text) and the spreadsheet numbers of the bad ones."""

    rows: list[dict[str, str]]
    bad_rows: list[int]


def case_record_export(
    count: int, *, seed: int = 0, bad_every: int = 0, prefix: str = "YK"
) -> CaseRecordExport:
    """``count`` invented case records; with ``bad_every`` each such row has a fault (row
    numbers count the header as row 1, as a spreadsheet does)."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    bad: list[int] = []
    for index in range(count):
        row = _record(rng, f"{prefix}-{index + 1:05d}", company=index % 3 == 2)
        if bad_every and index % bad_every == bad_every - 1:
            column, value = _BAD[len(bad) % len(_BAD)]
            row[column] = value
            bad.append(index + 2)
        rows.append(row)
    return CaseRecordExport(rows=rows, bad_rows=bad)


def _record(rng: random.Random, case_no: str, *, company: bool) -> dict[str, str]:
    accepted = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(300))
    row = dict.fromkeys(HEADERS, "")
    row.update({"申请编号": case_no, "受理日期": accepted.isoformat(), "当前环节": "业务受理"})
    if company:
        firm = make_company(rng)
        row.update(
            {
                "户名": firm.name,
                "证件号码": firm.credit_code,
                "用电地址": firm.address,
                "联系电话": firm.phone,
                "法定代表人": firm.legal_representative.name,
                "法定代表人证件号码": firm.legal_representative.id_number,
                "申请容量（kVA）": str(rng.choice((50, 80, 100, 160))),
                "业务类型": rng.choice(("新装", "增容")),
                "客户分类": "低压非居民",
            }
        )
    else:
        person = make_person(rng)
        row.update(
            {
                "户名": person.name,
                "证件号码": person.id_number,
                "用电地址": person.address,
                "联系电话": person.phone,
                "申请容量（kVA）": str(rng.choice((4, 8, 10, 16))),
                "业务类型": "新装",
                "客户分类": "低压居民",
            }
        )
    return row


def case_records_csv(rows: list[dict[str, str]], *, encoding: str = "utf-8-sig") -> bytes:
    """The rows as a CSV file (UTF-8 with a byte-order mark, as Excel saves it, by default)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=HEADERS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def case_records_xlsx(rows: list[dict[str, str]]) -> bytes:
    """The rows as an XLSX workbook, every cell text (as an export sets ID columns)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([row[header] for header in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
