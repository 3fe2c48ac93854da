"""Where a watched file goes: its case by file name or cover sheet, and why one could not go.

A file name routes when it begins with an existing case number followed by ``-`` or the end
of the name (``YK-2026-0001-身份证.pdf``, ``YK-2026-0001.pdf``); case numbers may hold ``-``
themselves, so the longest prefix that names a case wins. Otherwise the first page's
资料封面 QR code (``intake.read_cover``) names the case and the document type.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import (
    LABELS_ZH,
    Case,
    DocType,
    EmptyUploadError,
    NotFoundError,
    UnsupportedMediaTypeError,
    UploadTooLargeError,
    ValidationError,
)
from core import Settings
from intake import IntakeError, ReadLimits, read_cover, read_document
from worker._steps import FAILURE_CODES


@dataclass(frozen=True)
class Route:
    """The case a watched file belongs to, its document type if a cover said, and how known."""

    case_no: str
    doc_type: DocType | None
    by: Literal["name", "cover"]


def case_by_name(session: Session, filename: str) -> str | None:
    """The existing case whose number begins ``filename`` (before ``-`` or its suffix)."""
    stem = Path(filename).stem
    candidates = [stem[:i] for i, char in enumerate(stem) if char == "-" and i > 0]
    candidates.append(stem)
    found = set(session.scalars(select(Case.case_no).where(Case.case_no.in_(candidates))))
    return max(found, key=len, default=None)


def route(session: Session, path: Path, *, filename: str, settings: Settings) -> Route | None:
    """Where the file at ``path`` (dropped as ``filename``) goes; None when nothing says.

    Raises NotFoundError when a cover names a case that does not exist, and IntakeError when
    a file its name does not route cannot be read for its cover.
    """
    case_no = case_by_name(session, filename)
    if case_no is not None:
        return Route(case_no=case_no, doc_type=None, by="name")
    document = read_document(path, limits=read_limits(settings))
    sheet = read_cover(document.pages[0].image()) if document.pages else None
    if sheet is None:
        return None
    if session.scalar(select(Case.id).where(Case.case_no == sheet.case_no)) is None:
        raise NotFoundError(
            f"{filename}: its cover sheet names case {sheet.case_no}, which does not exist; "
            "create the case, or print its cover sheets again from the case page"
        )
    known = sheet.doc_type in {t.value for t in DocType}
    return Route(
        case_no=sheet.case_no, doc_type=DocType(sheet.doc_type) if known else None, by="cover"
    )


def read_limits(settings: Settings) -> ReadLimits:
    """The intake limits of the settings, which reading a file for its cover obeys too."""
    return ReadLimits(
        max_pages=settings.intake_max_pages,
        max_page_pixels=settings.intake_max_page_pixels,
        max_pdf_image_pixels=settings.intake_max_pdf_image_pixels,
        pdf_dpi=settings.intake_pdf_dpi,
    )


UNROUTED = (
    "case_not_named",
    "无法确定所属案件：文件名不以已有的案件编号开头（如 YK-2026-0001-身份证.pdf），"
    "首页也没有资料封面二维码",
)
"""The code and Chinese meaning of a file nothing routes."""
UNROUTED_MESSAGE = (
    "neither its name nor its first page names a case; name the file CASE_NO-….pdf after an "
    "existing case, or scan it behind the case's cover sheet"
)

_CODES: tuple[tuple[type[Exception], str, str], ...] = (
    (NotFoundError, "case_not_found", "资料封面上的案件不存在：请先创建案件，或重新打印资料封面"),
    (
        UnsupportedMediaTypeError,
        "unsupported_media_type",
        "文件类型不受支持：只接受 PDF、JPEG、PNG、TIFF",
    ),
    (UploadTooLargeError, "upload_too_large", "文件超过上传大小上限"),
    (EmptyUploadError, "empty_upload", "文件为空"),
    (ValidationError, "invalid", "资料不符合要求"),
    (OSError, "file_unreadable", "文件无法从监视文件夹读取"),
)


def failure_of(error: Exception) -> tuple[str, str]:
    """The stable code of a file's failure and what it means in Chinese."""
    if isinstance(error, IntakeError):
        code = next(c for t, c in FAILURE_CODES.items() if isinstance(error, t))
        return code.value, LABELS_ZH[code]
    for error_type, code_name, label_zh in _CODES:
        if isinstance(error, error_type):
            return code_name, label_zh
    return "unexpected", "处理时发生意外错误：请联系管理员查看 yekuo 的日志"
