"""``analyse``: reading, OCR (an engine injected through the protocol), understanding."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from core import Settings
from intake import (
    IntakeError,
    OcrEngine,
    OcrEngineError,
    OcrPage,
    UnreadableFileError,
    analyse,
    open_ocr_engine,
)
from synthetic import png_bytes, render, text_pdf_bytes
from tests.unit.intake.test_extract_ids import ID_CARD, ID_CARD_FIELDS
from tests.unit.intake.test_extract_noise import page_of

TODAY = date(2024, 6, 1)


class ScriptedEngine:
    """An engine that 'reads' the rows it was given, whatever the image shows."""

    name = "scripted"

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = rows
        self.calls = 0

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        self.calls += 1
        return page_of(self.rows, number=number)


class CrashingEngine:
    """An engine whose native code gives up."""

    name = "crashing"

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        raise RuntimeError("onnxruntime: bad allocation")


class RefusingEngine:
    """An engine that must not be needed: text layers are read without OCR."""

    name = "refusing"

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        raise AssertionError(f"OCR was run on page {number}")


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "scan.png"
    Image.new("RGB", (400, 300), "white").save(path)
    return path


def test_analyse_reads_classifies_extracts_and_checks(scan: Path, settings: Settings) -> None:
    engine = ScriptedEngine(ID_CARD)
    analysis = analyse(scan, media_type="image/png", settings=settings, engine=engine, today=TODAY)
    assert (analysis.doc_type, engine.calls, len(analysis.pages)) == ("id_card", 1, 1)
    assert analysis.confidence > 0.9
    assert analysis.values == ID_CARD_FIELDS
    assert [finding.code for finding in analysis.findings] == []
    assert "公民身份号码" in analysis.text
    assert analysis.seconds >= 0


def test_findings_depend_on_today(scan: Path, settings: Settings) -> None:
    engine: OcrEngine = ScriptedEngine(ID_CARD)
    later = date(2033, 1, 1)
    analysis = analyse(scan, media_type=None, settings=settings, engine=engine, today=later)
    assert [finding.code for finding in analysis.findings] == ["id_card_expired"]


def test_hint_is_verified(scan: Path, settings: Settings) -> None:
    engine = ScriptedEngine(ID_CARD)
    analysis = analyse(
        scan, media_type="image/png", settings=settings, engine=engine, hint="business_license"
    )
    assert analysis.doc_type == "id_card"
    assert analysis.evidence[0] == "hint business_license disagrees with the page"


def test_unreadable_file_raises_an_intake_error(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "scan.jpg"
    path.write_bytes(random.Random(3).randbytes(2000))
    with pytest.raises(UnreadableFileError):
        analyse(path, media_type="image/jpeg", settings=settings, engine=ScriptedEngine([]))


def test_crashing_engine_fails_the_document_not_the_caller(scan: Path, settings: Settings) -> None:
    with pytest.raises(OcrEngineError, match="bad allocation") as caught:
        analyse(scan, media_type="image/png", settings=settings, engine=CrashingEngine())
    assert isinstance(caught.value, IntakeError)


@pytest.mark.parametrize("doc_type", ["business_license", "supply_contract", "planning_permit"])
def test_born_digital_pdf_is_understood_from_its_text_layer(
    doc_type: str, tmp_path: Path, settings: Settings
) -> None:
    doc = render(doc_type, random.Random(f"pdf-{doc_type}"))
    path = tmp_path / "document.pdf"
    path.write_bytes(text_pdf_bytes(doc.page_texts))
    analysis = analyse(path, media_type=None, settings=settings, engine=RefusingEngine())
    assert (analysis.doc_type, len(analysis.pages)) == (doc_type, doc.pages)
    assert {name: analysis.values.get(name) for name in doc.fields} == doc.fields


@pytest.mark.slow
@pytest.mark.parametrize("doc_type", ["id_card", "business_license", "application_form"])
def test_rendered_scan_with_the_real_engine(
    doc_type: str, tmp_path: Path, settings: Settings
) -> None:
    doc = render(doc_type, random.Random(f"analyse-{doc_type}"))
    path = tmp_path / "scan.png"
    path.write_bytes(png_bytes(doc.images[0]))
    analysis = analyse(path, media_type=None, settings=settings, engine=open_ocr_engine(settings))
    assert analysis.doc_type == doc_type
    assert {name: analysis.values.get(name) for name in doc.fields} == doc.fields
