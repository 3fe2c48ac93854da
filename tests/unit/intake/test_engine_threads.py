"""How many ONNX Runtime threads each page reader of RapidOCR gets."""

import os

from core import Settings
from intake._engines import rapid_threads


def test_the_cores_are_shared_among_the_page_readers() -> None:
    cores = os.cpu_count() or 1
    assert rapid_threads(Settings(intake_workers=1, _env_file=None)) == cores
    assert rapid_threads(Settings(intake_workers=cores * 2, _env_file=None)) == 1


def test_an_explicit_thread_count_wins() -> None:
    assert rapid_threads(Settings(intake_workers=1, ocr_threads=1, _env_file=None)) == 1
