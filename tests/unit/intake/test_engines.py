"""Both OCR engines on synthetic scans: text, orientation, and the whole read-and-recognise path.

These run the real models (RapidOCR's from its wheel, Tesseract's from Debian packages).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image

from core import Settings
from intake import OcrEngine, open_ocr_engine, read_document, recognise
from intake._rapid import RapidOcrEngine
from intake._tesseract import TesseractEngine
from synthetic import SyntheticDoc, degrade, jpeg_bytes, render

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rapid() -> RapidOcrEngine:
    return RapidOcrEngine(threads=2)


@pytest.fixture(scope="module")
def tesseract() -> TesseractEngine:
    return TesseractEngine()


@pytest.fixture(scope="module")
def license_doc() -> SyntheticDoc:
    return render("business_license", random.Random(2))


def _top(image: Image.Image) -> Image.Image:
    """The upper half of a page, where a license prints its name and credit code."""
    return image.crop((0, 0, image.width, image.height // 2))


@pytest.mark.parametrize("name", ["rapidocr", "tesseract"])
def test_open_ocr_engine_builds_the_configured_engine(name: str) -> None:
    engine = open_ocr_engine(Settings(ocr_engine=name, _env_file=None))
    assert engine.name == name


@pytest.mark.parametrize("engine_name", ["rapid", "tesseract"])
def test_engine_reads_a_clean_license(
    engine_name: str, request: pytest.FixtureRequest, license_doc: SyntheticDoc
) -> None:
    engine: OcrEngine = request.getfixturevalue(engine_name)
    page = engine.recognise(_top(license_doc.images[0]), number=3)
    assert (page.number, page.source) == (3, engine.name)
    text = "".join(page.text.split())
    assert license_doc.fields["credit_code"] in text
    assert "统一社会信用代码" in text
    assert 0.5 < page.confidence <= 1.0
    assert 0 < page.engine_seconds < 60
    assert all(0 <= line.box[0] < line.box[2] <= page.width for line in page.lines)
    tops = [line.box[1] for line in page.lines]
    assert tops == sorted(tops)
    # Each character's own confidence, so a value is judged by its characters, not its line's.
    assert all(len(line.char_confidences) == len(line.text) for line in page.lines)
    assert all(0 <= value <= 1 for line in page.lines for value in line.char_confidences)


@pytest.mark.parametrize("turned", [90, 180])
def test_rapid_detects_how_to_turn_a_page_upright(
    rapid: RapidOcrEngine, license_doc: SyntheticDoc, turned: int
) -> None:
    page = license_doc.images[0].rotate(turned, expand=True)  # counter-clockwise
    assert rapid.detect_rotation(page) == turned


def test_tesseract_osd_detects_an_upside_down_page(
    tesseract: TesseractEngine, license_doc: SyntheticDoc
) -> None:
    assert tesseract.detect_rotation(license_doc.images[0].rotate(180)) == 180


def test_a_sideways_phone_photo_of_an_id_card_is_read_upright(
    rapid: RapidOcrEngine, tmp_path: Path
) -> None:
    rng = random.Random(0)
    doc = render("id_card", rng)
    photo = degrade(doc.images[0], "hard", rng)
    assert photo.width > photo.height  # this seed's photo lies on its side
    path = tmp_path / "id.jpg"
    path.write_bytes(jpeg_bytes(photo))
    (page,) = recognise(read_document(path), engine=rapid, workers=1)
    assert page.rotation in (90, 270)
    assert page.height > page.width
    assert doc.fields["id_number"] in "".join(page.text.split())
