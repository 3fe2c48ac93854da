"""What the worker stores of an analysis: each field's provenance, its doubt included."""

from __future__ import annotations

from datetime import date

from intake import Analysis, OcrLine, OcrPage
from intake._fields import ExtractedField
from worker._steps import outcome_of, understand_stored


def test_a_doubted_reading_keeps_its_doubt_for_the_checks() -> None:
    analysis = Analysis(
        doc_type="application_form",
        confidence=0.9,
        evidence=["title"],
        fields={
            "customer_name": ExtractedField(
                value="王小明",
                ocr_value="业务编号王小明",
                confidence=0.97,
                page=1,
                box=(10, 20, 110, 40),
                doubt="label_residue",
            ),
            "phone": ExtractedField("13800000000", "13800000000", 0.99, 1, None),
        },
        findings=[],
        pages=[],
        seconds=1.5,
    )
    details = outcome_of(analysis, engine="rapidocr").field_details
    assert details["customer_name"]["doubt"] == "label_residue"
    assert details["customer_name"]["box"] == [10, 20, 110, 40]
    assert details["phone"]["doubt"] is None
    assert details["phone"]["status"] == "extracted"


def test_stored_pages_keep_each_characters_confidence_for_a_later_reading() -> None:
    # A moved stack boundary reads the stored pages again: a doubtful character stays doubtful.
    value = "北京市朝阳区长首大街321号"
    line = OcrLine(
        value, (205, 208, 655, 248), 0.93, tuple(0.3 if c == "首" else 0.97 for c in value)
    )
    page = OcrPage(
        1,
        1654,
        2339,
        [
            OcrLine("不动产权证书", (100, 80, 280, 120), 0.99),
            OcrLine("坐落", (100, 208, 160, 248), 0.99),
            line,
        ],
        "rapidocr",
    )
    analysis = Analysis("property_certificate", 0.9, [], {}, [], [page], 1.0)
    stored = outcome_of(analysis, engine="rapidocr").ocr_pages
    again = understand_stored(
        stored, "property_certificate", engine="rapidocr", today=date(2024, 6, 1)
    )
    assert again.field_details["location"]["doubt"] == "low_confidence"
