"""What the document page needs for fast review: each field with its box on the scan, the
reviewer's word on it, the fields of its type that intake did not find (empty, to fill in), and
the previous and next documents of the case.

A field's ``box`` is in the pixels of the page intake read (``ocr.pages[].width``/``height``);
the page shows it as percentages of that page, so the highlight scales with the zoom and with
whatever resolution the page image is rendered at.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.web.render import label_zh
from archive import FIELD_LABELS_ZH, Document, DocumentPublic, DocumentStatus
from intake import expected_fields

REVIEW_STATUS_ZH = {"confirmed": "已确认", "corrected": "已更正"}


def field_rows(document: DocumentPublic, row: Document) -> list[dict[str, Any]]:
    """Extracted fields as rows: label, value, OCR value and confidence, where on the scan,
    and who reviewed it (a correction with its reason); then, once intake is done, an empty
    row for each field its type has that intake did not find, for the reviewer to fill in
    (a value entered there is a correction, with its reason)."""
    return [*_found_rows(document, row), *_missing_rows(document)]


def _missing_rows(document: DocumentPublic) -> list[dict[str, Any]]:
    if document.status != DocumentStatus.done or document.doc_type is None:
        return []
    return [
        {
            "name": name,
            "label": FIELD_LABELS_ZH.get(name, name),
            "value": "",
            "ocr": "",
            "confidence": "",
            "reviewed": False,
            "review": "",
            "by": "",
            "reason": "",
            "page": None,
            "box": "",
            "missing": True,
        }
        for name in expected_fields(document.doc_type)
        if name not in document.fields
    ]


def _found_rows(document: DocumentPublic, row: Document) -> list[dict[str, Any]]:
    pages = _ocr_pages(row)
    rows = []
    for name, value in document.fields.items():
        details = document.field_details.get(name)
        details = details if isinstance(details, dict) else {}
        confidence = details.get("confidence")
        status = str(details.get("status"))
        review = REVIEW_STATUS_ZH.get(status, "")
        rows.append(
            {
                "name": name,
                "label": FIELD_LABELS_ZH.get(name, name),
                "value": "" if value is None else str(value),
                "ocr": "" if details.get("ocr_value") is None else str(details["ocr_value"]),
                "confidence": f"{confidence:.0%}" if isinstance(confidence, float) else "",
                "reviewed": bool(review),
                "review": review,
                "by": str(details.get("by") or "") if review else "",
                "reason": str(details.get("reason") or "") if status == "corrected" else "",
                "missing": False,
                **_place(details, pages),
            }
        )
    return rows


def _ocr_pages(row: Document) -> dict[int, Mapping[str, Any]]:
    pages = (row.ocr or {}).get("pages") or []
    return {
        int(page["number"]): page
        for page in pages
        if isinstance(page, dict) and isinstance(page.get("number"), int)
    }


def _place(details: Mapping[str, Any], pages: Mapping[int, Mapping[str, Any]]) -> dict[str, Any]:
    """The field's page and its box as ``left top width height`` percentages ("" if unknown).

    A page intake turned upright before reading has its boxes in the turned frame, which
    the page image does not show: such a field names its page but draws no box.
    """
    number, box = details.get("page"), details.get("box")
    page = pages.get(number) if isinstance(number, int) else None
    if page is None or not isinstance(box, list | tuple) or len(box) != 4:
        return {"page": number if isinstance(number, int) else None, "box": ""}
    width, height = page.get("width") or 0, page.get("height") or 0
    if page.get("rotation") or width <= 0 or height <= 0:
        return {"page": number, "box": ""}
    x0, y0, x1, y1 = (float(v) for v in box)
    share = (x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height)
    return {"page": number, "box": " ".join(f"{max(0.0, v) * 100:.2f}" for v in share)}


def neighbours(row: Document) -> dict[str, Any]:
    """The documents before and after this one on its case (in upload order, a stack's parts
    in its place, the stack itself left out): ids and how to name them."""
    documents = [d for d in row.case.documents if d.status != DocumentStatus.stack]
    if row not in documents:
        return {"previous": None, "next": None, "position": None}
    here = documents.index(row)

    def named(document: Document) -> dict[str, str]:
        label = label_zh(document.doc_type) if document.doc_type else "未识别"
        return {"id": document.id, "name": document.original_filename or label, "type": label}

    return {
        "previous": named(documents[here - 1]) if here > 0 else None,
        "next": named(documents[here + 1]) if here + 1 < len(documents) else None,
        "position": f"{here + 1}/{len(documents)}",
    }
