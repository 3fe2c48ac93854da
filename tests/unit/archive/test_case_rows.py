"""Reading exports of the marketing system: encodings, XLSX, the column mapping, bad rows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from archive._case_rows import parse_rows, read_table
from archive._errors import ValidationError
from archive._vocabulary import BusinessType, Category, Stage
from synthetic import CASE_RECORD_HEADERS, case_records_csv

PERSON = {
    "申请编号": "YX-1",
    "户名": "王小明",
    "证件号码": "11010519491231002x",
    "用电地址": "北京市朝阳区光华路1号",
    "申请容量（kVA）": "8 kVA",
    "业务类型": "新装",
    "客户分类": "低压居民",
    "受理日期": "2026年3月1日",
    "当前环节": "现场勘查",
}
UNITS = {"GDS01": "GDS01", "城东供电所": "GDS01"}


def parsed(*rows: dict[str, str], default_unit: str | None = None) -> tuple[Any, Any]:
    """The good rows and the problems of a UTF-8 CSV of ``rows``."""
    table = read_table("export.csv", case_records_csv(_full(rows)))
    return parse_rows(table, default_unit=default_unit, units=UNITS)


def _full(rows: tuple[dict[str, str], ...]) -> list[dict[str, str]]:
    return [{header: row.get(header, "") for header in CASE_RECORD_HEADERS} for row in rows]


def test_a_row_becomes_a_case_record_with_its_stage() -> None:
    good, problems = parsed(PERSON)
    assert problems == []
    (row,) = good
    assert (row.row, row.stage) == (2, Stage.site_survey)
    data = row.data
    assert (data.case_no, data.category, data.business_type) == (
        "YX-1",
        Category.residential,
        BusinessType.new,
    )
    assert (data.capacity_kva, data.accepted_on) == (8.0, dt.date(2026, 3, 1))
    assert (data.customer.id_number, data.customer.credit_code) == ("11010519491231002X", None)


def test_the_identifier_is_a_credit_code_or_an_id_by_its_shape() -> None:
    company = {
        **PERSON,
        "证件号码": "91310110666007217T",
        "客户分类": "低压非居民",
        "法定代表人": "李四",
        "法定代表人证件号码": "11010519491231002X",
        "供电单位": "城东供电所",
    }
    (row,), problems = parsed(company)
    assert problems == []
    assert (row.data.customer.credit_code, row.data.customer.id_number) == (
        "91310110666007217T",
        None,
    )
    assert row.data.legal_representative is not None
    assert row.data.unit == "GDS01"


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("户名", "", "「户名」为空"),
        ("申请容量（kVA）", "八千", "「申请容量」八千 不是数字（kVA）"),
        ("证件号码", "12345", "「证件号码」12345 既不是"),
        ("客户分类", "工业", "「客户分类」工业 不可识别"),
        ("受理日期", "2026-02-30", "「受理日期」2026-02-30 不是日期"),
        ("当前环节", "归档", "当前环节不能是归档"),
        ("供电单位", "城西", "「供电单位」城西 不存在"),
        ("申请编号", "YX 1", "「申请编号」只能由字母"),
        ("法定代表人", "李四", "「法定代表人」与「法定代表人证件号码」须同时填写"),
    ],
)
def test_a_bad_row_is_named_by_its_spreadsheet_row_with_a_chinese_reason(
    column: str, value: str, reason: str
) -> None:
    bad = {**PERSON, "申请编号": "YX-2", column: value}
    good, problems = parsed(PERSON, bad)
    assert [g.row for g in good] == [2]
    (problem,) = problems
    assert problem.row == 3
    assert problem.reason.startswith(reason), problem.reason


def test_a_number_given_twice_is_refused_on_its_second_row() -> None:
    good, problems = parsed(PERSON, {**PERSON, "户名": "王小红"})
    assert [g.row for g in good] == [2]
    assert [(p.row, p.reason) for p in problems] == [(3, "申请编号 YX-1 与第 2 行重复")]


def test_gb18030_and_utf8_without_a_mark_read_alike() -> None:
    for encoding in ("gb18030", "utf-8"):
        content = case_records_csv(_full((PERSON,)), encoding=encoding)
        (row,), _ = parse_rows(read_table("e.csv", content), default_unit="GDS01", units=UNITS)
        assert (row.data.customer.name, row.data.unit) == ("王小明", "GDS01")


def test_xlsx_cells_as_numbers_and_dates_are_read_and_a_numeric_id_is_refused() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["申请编号", "户名", "证件号码", "申请容量", "业务类型", "客户分类", "受理日期"])
    sheet.append(
        ["YX-1", "王小明", "11010519491231002X", 8, "新装", "低压居民", dt.datetime(2026, 3, 1)]
    )
    sheet.append(["YX-2", "王小红", 110105194912310021, 8.0, "增容", "居民", None])
    sheet.append([None] * 7)
    out = io.BytesIO()
    workbook.save(out)
    table = read_table("export.xlsx", out.getvalue())
    good, problems = parse_rows(table, default_unit=None, units=UNITS)
    assert [(g.row, g.data.accepted_on) for g in good] == [(2, dt.date(2026, 3, 1))]
    assert [(p.row, p.reason[:6]) for p in problems] == [(3, "「证件号码」")]


def test_a_file_without_a_required_column_or_not_a_table_is_refused_whole() -> None:
    with pytest.raises(ValidationError) as lacking:
        read_table("e.csv", "申请编号,户名\r\nYX-1,王\r\n".encode())
    assert lacking.value.message_zh is not None
    assert "证件号码" in lacking.value.message_zh
    with pytest.raises(ValidationError):
        read_table("e.xlsx", b"not a workbook")
    with pytest.raises(ValidationError):
        read_table("e.csv", b"")
