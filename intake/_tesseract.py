"""Tesseract (the ``tesseract`` binary through pytesseract) as the selectable second engine.

Tesseract runs one process per call. Its OpenMP threads fight each other when pages are read
in parallel on a small machine, so ``OMP_THREAD_LIMIT=1`` is set for the processes it starts
(2.4 × faster on 2 cores); parallelism comes from reading several pages at once instead.
"""

from __future__ import annotations

import os
import re
import time

import pytesseract
from PIL import Image

from intake._errors import OcrEngineError
from intake._layout import merge_rows
from intake._ocr import OcrLine, OcrPage

_LATIN = re.compile(r"[A-Za-z0-9]")
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_OSD_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")
_OSD_MIN_CONFIDENCE = 1.0


def _join(words: list[str], confidences: list[float]) -> tuple[str, tuple[float, ...]]:
    """Words of one line: Chinese characters side by side, Latin words and numbers spaced;
    with each character's confidence, its word's (a space counts as sure)."""
    text = ""
    characters: list[float] = []
    for word, confidence in zip(words, confidences, strict=True):
        if text and _LATIN.match(text[-1]) and _LATIN.match(word[0]):
            text += " "
            characters.append(1.0)
        text += word
        characters.extend([confidence] * len(word))
    return text, tuple(characters)


class TesseractEngine:
    """Tesseract LSTM with the ``chi_sim`` model (plus ``eng`` where Latin letters matter)."""

    name = "tesseract"

    def __init__(self, *, languages: str = "chi_sim+eng") -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        self._languages = languages
        try:
            installed = set(pytesseract.get_languages())
        except Exception as exc:
            raise OcrEngineError(
                f"the tesseract program cannot be run ({exc}); install tesseract-ocr "
                "with `make install` or set YEKUO_OCR_ENGINE=rapidocr"
            ) from exc
        missing = set(languages.split("+")) - installed
        if missing:
            raise OcrEngineError(
                f"Tesseract lacks the language data {', '.join(sorted(missing))}; install "
                "tesseract-ocr-chi-sim and tesseract-ocr-eng with `make install`"
            )

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        """Read an upright page (layout analysis ``--psm 3``) into lines with word confidences."""
        started = time.perf_counter()
        try:
            data = pytesseract.image_to_data(
                image, lang=self._languages, config="--psm 3", output_type="dict"
            )
        # The adapter boundary: a crashed or missing binary fails this page, not the worker.
        except Exception as exc:
            raise OcrEngineError(f"Tesseract failed on page {number}: {exc}") from exc
        seconds = time.perf_counter() - started
        return OcrPage(
            number=number,
            width=image.width,
            height=image.height,
            lines=merge_rows(_lines(data)),
            source=self.name,
            engine_seconds=seconds,
        )

    def detect_rotation(self, image: Image.Image) -> int:
        """Clockwise turn (0/90/180/270) that makes the page upright, by Tesseract's OSD.

        A page OSD cannot decide on (too little text, low confidence) is left as it is.
        """
        # OSD fails on pages with too few characters; that only means "leave it as it is".
        try:
            osd = pytesseract.image_to_osd(image, config="--psm 0")
        except Exception:
            return 0
        match = _ROTATE.search(str(osd))
        confidence = _OSD_CONFIDENCE.search(str(osd))
        if not match or not confidence or float(confidence.group(1)) < _OSD_MIN_CONFIDENCE:
            return 0
        return int(match.group(1)) % 360


def _lines(data: dict[str, list[object]]) -> list[OcrLine]:
    """Tesseract's words (level 5) grouped into its lines, in its reading order."""
    grouped: dict[tuple[object, ...], list[int]] = {}
    for index, level in enumerate(data["level"]):
        text = str(data["text"][index]).strip()
        if level == 5 and text:
            key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
            grouped.setdefault(key, []).append(index)
    lines = []
    for indices in grouped.values():
        lefts = [int(str(data["left"][i])) for i in indices]
        tops = [int(str(data["top"][i])) for i in indices]
        rights = [left + int(str(data["width"][i])) for left, i in zip(lefts, indices, strict=True)]
        bottoms = [top + int(str(data["height"][i])) for top, i in zip(tops, indices, strict=True)]
        confidences = [max(0.0, float(str(data["conf"][i]))) / 100 for i in indices]
        text, characters = _join([str(data["text"][i]).strip() for i in indices], confidences)
        lines.append(
            OcrLine(
                text=text,
                box=(min(lefts), min(tops), max(rights), max(bottoms)),
                confidence=sum(confidences) / len(confidences),
                char_confidences=characters,
            )
        )
    return lines
