"""``recognise``: page order, text layers without OCR, parallel pages, failing engines."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from intake import (
    TEXT_LAYER,
    CorruptFileError,
    OcrEngineError,
    OcrLine,
    OcrPage,
    Preparation,
    read_document,
    recognise,
)
from synthetic import jpeg_bytes, text_pdf_bytes, tiff_bytes


class _SizeEngine:
    """Reports each page's size as its text; records which threads read pages."""

    name = "size"

    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        with self._lock:
            self.calls += 1
            self.threads.add(threading.current_thread().name)
        time.sleep(self.delay)
        line = OcrLine(text=f"{image.width}x{image.height}", box=(0, 0, 1, 1), confidence=0.9)
        return OcrPage(
            number=99, width=image.width, height=image.height, lines=[line], source=self.name
        )


class _TurningEngine(_SizeEngine):
    def detect_rotation(self, image: Image.Image) -> int:
        return 90 if image.width > image.height else 0


class _CrashingEngine:
    name = "crashing"

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        raise RuntimeError("segfault in the model")


def _tiff(tmp_path: Path, sizes: list[tuple[int, int]]) -> Path:
    path = tmp_path / "pages.tif"
    path.write_bytes(tiff_bytes([Image.new("RGB", size, "white") for size in sizes]))
    return path


def test_pages_come_back_in_order_numbered_even_when_read_in_parallel(tmp_path: Path) -> None:
    sizes = [(100 + index, 50) for index in range(6)]
    engine = _SizeEngine(delay=0.05)
    steps = Preparation(orientation=False)
    pages = recognise(
        read_document(_tiff(tmp_path, sizes)), engine=engine, workers=3, preparation=steps
    )
    assert [page.number for page in pages] == [1, 2, 3, 4, 5, 6]
    assert [page.text for page in pages] == [f"{w}x{h}" for w, h in sizes]
    assert len(engine.threads) > 1


def test_orientation_is_detected_through_the_engine_and_recorded(tmp_path: Path) -> None:
    engine = _TurningEngine()
    pages = recognise(
        read_document(_tiff(tmp_path, [(300, 100), (100, 300)])), engine=engine, workers=1
    )
    assert [(page.rotation, page.text) for page in pages] == [(90, "100x300"), (0, "100x300")]


def test_text_layer_pages_are_not_ocrd(tmp_path: Path) -> None:
    path = tmp_path / "digital.pdf"
    path.write_bytes(text_pdf_bytes(["供用电合同\n合同编号：GYD202311010877016"]))
    engine = _SizeEngine()
    pages = recognise(read_document(path), engine=engine, workers=2)
    assert engine.calls == 0
    assert pages[0].source == TEXT_LAYER
    assert "GYD202311010877016" in pages[0].text


def test_a_crashing_engine_fails_the_document_with_the_page_and_cause(tmp_path: Path) -> None:
    read = read_document(_tiff(tmp_path, [(50, 50), (50, 50)]))
    with pytest.raises(
        OcrEngineError, match=r"crashing OCR engine failed on page 1: segfault"
    ) as caught:
        recognise(read, engine=_CrashingEngine(), workers=2)
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_a_page_that_cannot_be_decoded_fails_as_corrupt(tmp_path: Path) -> None:
    data = jpeg_bytes(Image.new("RGB", (600, 800), "white"))
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(CorruptFileError, match=r"cut\.jpg"):
        recognise(read_document(path), engine=_SizeEngine(), workers=1)
