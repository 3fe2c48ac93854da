"""The default engine reads ID cards as they arrive besides scans: photographed, turned.

These run RapidOCR's real models on one synthetic page each (a few seconds per test).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from core import Settings
from intake import OcrEngine, open_ocr_engine, read_document, recognise
from synthetic import Condition, render, write_scan

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return open_ocr_engine(Settings(ocr_engine="rapidocr", intake_workers=1, _env_file=None))


@pytest.mark.parametrize(("condition", "seed"), [("phone_photo", 3), ("turned", 1)])
def test_an_id_card_reads_its_number_upright(
    engine: OcrEngine, tmp_path: Path, condition: Condition, seed: int
) -> None:
    doc = render("id_card", random.Random(seed))
    path = write_scan(doc, condition, random.Random(seed), tmp_path / "id")
    (page,) = recognise(read_document(path), engine=engine, workers=1)
    assert condition != "turned" or page.rotation in (90, 270)  # this seed lies on its side
    assert doc.fields["id_number"] in "".join(page.text.split())
    assert page.height > page.width
