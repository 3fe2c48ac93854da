"""What the worker stores of an analysis: each field's provenance, its doubt included."""

from __future__ import annotations

from intake import Analysis
from intake._fields import ExtractedField
from worker._steps import outcome_of


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
