"""资料封面 (cover sheets): the QR text that names a case and a document type, and its decoding.

A cover sheet is a printed page an archivist puts before a document's first page; its QR code
carries ``YEKUO-COVER/1 <case_no> <doc_type>``. The prefix and version keep a foreign QR code
(a product label, a payment code) from ever routing a scan, and let a later format change be
told apart from this one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import zxingcpp
from PIL import Image

PAYLOAD_PREFIX = "YEKUO-COVER/1"
"""The first word of every cover sheet's QR text: the format's name and version."""

_CASE_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}")
"""archive's case number rule (``CaseCreate.case_no``): 1–64 characters, letters, digits, _ -."""

_DOC_TYPE = re.compile(r"[a-z][a-z0-9_]{0,39}")
"""A document type code: a built-in one (DESIGN.md) or one a rule file declares. Whether the
code is known is the archive's to say when it routes the document."""


_QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


@dataclass(frozen=True)
class CoverSheet:
    """What a cover sheet says: the case its document belongs to and the document's type."""

    case_no: str
    doc_type: str


def cover_payload(sheet: CoverSheet) -> str:
    """The QR text of ``sheet``; raises ``ValueError`` for a case number or type it cannot carry."""
    if not _CASE_NO.fullmatch(sheet.case_no):
        raise ValueError(
            f"case number {sheet.case_no!r} cannot go on a cover sheet; expected 1–64 letters, "
            "digits, '_' or '-', starting with a letter or digit"
        )
    if not _DOC_TYPE.fullmatch(sheet.doc_type):
        raise ValueError(
            f"document type {sheet.doc_type!r} cannot go on a cover sheet; expected a code of "
            "1–40 lower-case letters, digits or '_', starting with a letter (id_card)"
        )
    return f"{PAYLOAD_PREFIX} {sheet.case_no} {sheet.doc_type}"


def parse_payload(text: str) -> CoverSheet | None:
    """The cover sheet a QR text names, or None when the text is not a yekuo cover sheet's."""
    words = text.split(" ")
    if len(words) != 3 or words[0] != PAYLOAD_PREFIX:
        return None
    _, case_no, doc_type = words
    if not _CASE_NO.fullmatch(case_no) or not _DOC_TYPE.fullmatch(doc_type):
        return None
    return CoverSheet(case_no=case_no, doc_type=doc_type)


def read_cover(image: Image.Image) -> CoverSheet | None:
    """The cover sheet a page image shows, or None when no QR code on it is a yekuo cover's.

    The page may be turned, skewed, blurred or JPEG-compressed as scanners and copiers leave
    it; zxing-cpp searches every direction and scale.
    """
    codes = zxingcpp.read_barcodes(image.convert("L"), formats=_QR_ONLY)
    for code in codes:
        sheet = parse_payload(code.text)
        if sheet is not None:
            return sheet
    return None
