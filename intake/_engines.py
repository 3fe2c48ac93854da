"""Building the configured OCR engine from settings."""

from __future__ import annotations

import os

from core import Settings
from intake._ocr import OcrEngine


def rapid_threads(settings: Settings) -> int:
    """ONNX Runtime threads per page reader: ``YEKUO_OCR_THREADS``, or the cores shared out
    among the pages this process reads in parallel (set 1 when several worker processes share
    a machine: measured 1.83 × the throughput of one with two processes of one thread each)."""
    if settings.ocr_threads:
        return settings.ocr_threads
    return max(1, (os.cpu_count() or 1) // max(1, settings.intake_workers))


def open_ocr_engine(settings: Settings) -> OcrEngine:
    """The engine ``YEKUO_OCR_ENGINE`` names, its models loaded once and ready for threads.

    Raises OcrEngineError if the engine or its models are not installed.
    """
    # Imported here so that `import intake` does not load ONNX Runtime and OpenCV.
    if settings.ocr_engine == "tesseract":
        from intake._tesseract import TesseractEngine

        return TesseractEngine()
    from intake._rapid import RapidOcrEngine

    return RapidOcrEngine(threads=rapid_threads(settings))
