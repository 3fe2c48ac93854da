"""Reading an export of case records (CSV or XLSX) into case records, row by row.

A CSV file may be UTF-8 (with or without a byte-order mark) or GB18030, as Excel on a
Chinese Windows saves it; an XLSX file is read from its first sheet. The first row holds the
headers of ``archive._import_columns``. Each row becomes a ``CaseRow`` or a ``RowProblem``
naming the row as the spreadsheet numbers it (the header is row 1) and the reason in Chinese.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pydantic
from openpyxl import load_workbook

from archive._errors import ValidationError
from archive._identifiers import clean_identifier
from archive._import_columns import (
    BUSINESS_TYPES,
    CATEGORIES,
    COLUMNS,
    REQUIRED,
    STAGES,
    header_key,
)
from archive._schemas import CaseCreate
from archive._vocabulary import BusinessType, Category, Stage
from intake import (
    is_citizen_id_format,
    is_credit_code_format,
    is_valid_citizen_id,
    is_valid_credit_code,
)

_Coded = TypeVar("_Coded", Category, BusinessType, Stage)

_HEADER_OF = {field: header for header, field in COLUMNS.items()}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_CAPACITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*(?:kva|千伏安)?$", re.IGNORECASE)


@dataclass(frozen=True)
class CaseRow:
    """One good row: the case record it gives and the marketing system's stage, if given."""

    row: int
    data: CaseCreate
    stage: Stage | None


@dataclass(frozen=True)
class RowProblem:
    """A row refused: its number in the spreadsheet, its case number if readable, why."""

    row: int
    case_no: str | None
    reason: str


class _RowError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_table(filename: str, content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The rows of the file as (row number, {header: cell}), empty rows left out.

    ValidationError (in Chinese and English) when the file is not a CSV or XLSX yekuo can
    read, or lacks a required header.
    """
    rows = _xlsx_rows(content) if filename.lower().endswith(".xlsx") else _csv_rows(content)
    header: list[str] | None = None
    table: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:
        if header is None:
            header = [header_key(str(c or "")) for c in cells]
            _check_header(filename, header)
            continue
        if all(_blank(c) for c in cells):
            continue
        table.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
    if header is None:
        raise ValidationError(
            f"{filename} is empty: the first row must hold the headers",
            message_zh=f"文件 {filename} 是空的：第一行应为表头",
        )
    return table


def _check_header(filename: str, header: list[str]) -> None:
    lacking = [name for name in REQUIRED if name not in header]
    if lacking:
        raise ValidationError(
            f"{filename} lacks the column(s) {', '.join(lacking)}; see README for the mapping",
            message_zh=f"文件 {filename} 缺少列：{'、'.join(lacking)}（表头须为第一行）",
        )


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(content)
    for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        yield number, list(cells)


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "the file is neither UTF-8 nor GB18030 text, nor an XLSX workbook",
            message_zh="文件既不是 UTF-8 或 GB18030 编码的 CSV，也不是 XLSX 工作簿",
        ) from exc


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(
            f"the file is not an XLSX workbook openpyxl can read ({exc})",
            message_zh="文件不是可读取的 XLSX 工作簿：请在 Excel 中另存为 .xlsx 或 CSV",
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


def parse_rows(
    table: list[tuple[int, dict[str, Any]]],
    *,
    default_unit: str | None,
    units: dict[str, str],
) -> tuple[list[CaseRow], list[RowProblem]]:
    """Each row as a case record, or the reason it is refused; a number given twice is
    refused on its second row. ``units`` maps each unit's code and name to its code; an
    empty 供电单位 is ``default_unit``."""
    good: list[CaseRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for number, cells in table:
        case_no = _text(cells.get("申请编号")) or None
        try:
            if case_no in seen:
                raise _RowError(f"申请编号 {case_no} 与第 {seen[case_no]} 行重复")
            good.append(_case_row(number, cells, unit=_unit(cells, default_unit, units)))
        except _RowError as exc:
            problems.append(RowProblem(row=number, case_no=case_no, reason=exc.reason))
        if case_no is not None:
            seen.setdefault(case_no, number)
    return good, problems


def _unit(cells: dict[str, Any], default_unit: str | None, units: dict[str, str]) -> str | None:
    given = _text(cells.get("供电单位"))
    if not given:
        return default_unit
    if given not in units:
        raise _RowError(f"「供电单位」{given} 不存在：应为已建单位的代码或名称")
    return units[given]


def _case_row(number: int, cells: dict[str, Any], *, unit: str | None) -> CaseRow:
    customer: dict[str, Any] = {
        "name": _required(cells, "户名"),
        "address": _text(cells.get("用电地址")),
        "phone": _text(cells.get("联系电话")),
        **_identifier(cells),
    }
    body: dict[str, Any] = {
        "case_no": _required(cells, "申请编号"),
        "category": _coded(cells, "客户分类", CATEGORIES, Category).value,
        "business_type": _coded(cells, "业务类型", BUSINESS_TYPES, BusinessType).value,
        "capacity_kva": _capacity(cells.get("申请容量")),
        "customer": customer,
        "legal_representative": _legal_representative(cells),
        "accepted_on": _date(cells.get("受理日期")),
        "unit": unit,
    }
    stage_text = _text(cells.get("当前环节"))
    stage = _coded(cells, "当前环节", STAGES, Stage) if stage_text else None
    if stage == Stage.archived:
        raise _RowError("当前环节不能是归档：归档在 yekuo 中办理")
    try:
        data = CaseCreate.model_validate(body)
    except pydantic.ValidationError as exc:
        raise _RowError(_pydantic_reason(exc)) from exc
    return CaseRow(row=number, data=data, stage=stage)


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def _required(cells: dict[str, Any], header: str) -> str:
    value = _text(cells.get(header))
    if not value:
        raise _RowError(f"「{header}」为空")
    return value


def _identifier(cells: dict[str, Any]) -> dict[str, str]:
    raw = cells.get("证件号码")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise _RowError("「证件号码」是数字格式，末几位已丢失：请把该列设为文本后重新导出")
    value = clean_identifier(_required(cells, "证件号码"))
    citizen, credit = is_citizen_id_format(value), is_credit_code_format(value)
    if citizen and credit:
        # 18 digits fit both shapes: the check character that holds decides.
        credit = is_valid_credit_code(value) and not is_valid_citizen_id(value)
        citizen = not credit
    if citizen:
        return {"id_number": value}
    if credit:
        return {"credit_code": value}
    raise _RowError(f"「证件号码」{value} 既不是 18 位公民身份号码，也不是 18 位统一社会信用代码")


def _coded(
    cells: dict[str, Any], header: str, words: dict[str, _Coded], kind: type[_Coded]
) -> _Coded:
    value = "".join(_required(cells, header).split())
    if value in words:
        return words[value]
    try:
        return kind(value)
    except ValueError:
        raise _RowError(f"「{header}」{value} 不可识别：应为 {'、'.join(words)} 之一") from None


def _capacity(cell: Any) -> float:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        value = float(cell)
    else:
        found = _CAPACITY.match(_text(cell).replace(",", ""))
        if not found:
            text = _text(cell)
            raise _RowError(f"「申请容量」{text} 不是数字（kVA）" if text else "「申请容量」为空")
        value = float(found.group(1))
    if not 0 < value <= 1_000_000:
        raise _RowError(f"「申请容量」{value:g} kVA 超出范围：应大于 0 且不超过 1000000")
    return value


def _legal_representative(cells: dict[str, Any]) -> dict[str, str] | None:
    name = _text(cells.get("法定代表人"))
    id_number = clean_identifier(_text(cells.get("法定代表人证件号码")))
    if not name and not id_number:
        return None
    if not name or not id_number:
        raise _RowError("「法定代表人」与「法定代表人证件号码」须同时填写或同时留空")
    if not is_citizen_id_format(id_number):
        raise _RowError(f"「法定代表人证件号码」{id_number} 不是 18 位公民身份号码")
    return {"name": name, "id_number": id_number}


def _date(cell: Any) -> str | None:
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    text = _text(cell)
    if not text:
        return None
    found = _DATE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    try:
        if found is None:
            raise ValueError(text)
        year, month, day = (int(part) for part in found.groups())
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise _RowError(f"「受理日期」{text} 不是日期：应为 2026-03-01 这样的年月日") from None


def _pydantic_reason(exc: pydantic.ValidationError) -> str:
    error = exc.errors()[0]
    path = ".".join(str(part) for part in error["loc"])
    header = _HEADER_OF.get(path) or _HEADER_OF.get(path.replace("id_number", "identifier"))
    label = f"「{header}」" if header else "本行"
    if path == "case_no":
        return f"{label}只能由字母、数字、连字符和下划线组成，且不超过 64 个字符"
    return f"{label}不合规：长度或字符不符合要求"
