"""Building the configured OCR engine from settings."""

from __future__ import annotations

import os

from core import Settings
from intake._ocr import OcrEngine


def _rapid_threads(workers: int) -> int:
    """ONNX Runtime threads per page: the cores shared out among pages read in parallel."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def open_ocr_engine(settings: Settings) -> OcrEngine:
    """The engine ``YEKUO_OCR_ENGINE`` names, its models loaded once and ready for threads.

    Raises OcrEngineError if the engine or its models are not installed.
    """
    # Imported here so that `import intake` does not load ONNX Runtime and OpenCV.
    if settings.ocr_engine == "tesseract":
        from intake._tesseract import TesseractEngine

        return TesseractEngine()
    from intake._rapid import RapidOcrEngine

    return RapidOcrEngine(threads=_rapid_threads(settings.intake_workers))
