"""What OCR produces, and the ``OcrEngine`` protocol every engine implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from PIL import Image

Box = tuple[int, int, int, int]
"""A text line's bounding box in page pixels: left, top, right, bottom."""


@dataclass(frozen=True)
class OcrLine:
    """One line of text on a page, where it is, and how sure the engine was (0..1).

    ``char_confidences`` holds the engine's confidence in each character of ``text`` where it
    reports one (RapidOCR per character, Tesseract per word); empty when it does not. A line's
    mean hides one doubtful character in a long line (长首 for 长青 at 0.95 for the line), so a
    value is judged by its own characters (``confidences``).
    """

    text: str
    box: Box
    confidence: float
    char_confidences: tuple[float, ...] = ()

    def confidences(self) -> tuple[float, ...]:
        """One confidence per character of ``text``: the engine's own, else the line's."""
        if len(self.char_confidences) == len(self.text):
            return self.char_confidences
        return (self.confidence,) * len(self.text)


@dataclass(frozen=True)
class OcrPage:
    """The text of one page as lines in reading order (top to bottom, left to right).

    ``number`` counts from 1. ``source`` is the engine's name, or ``text_layer`` for a PDF
    page whose text was read without OCR. ``rotation`` is how far (0/90/180/270 degrees,
    clockwise) the page was turned to be upright before it was read. ``engine_seconds`` is the
    time the engine spent in its own model calls reading the page (0 for a text layer); the
    orientation pass before it is not included.
    """

    number: int
    width: int
    height: int
    lines: list[OcrLine] = field(default_factory=list)
    source: str = ""
    rotation: int = 0
    engine_seconds: float = 0.0

    @property
    def text(self) -> str:
        """The page's lines joined by newlines."""
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float:
        """The mean line confidence weighted by line length (0 for an empty page)."""
        total = sum(len(line.text) for line in self.lines)
        if not total:
            return 0.0
        return sum(line.confidence * len(line.text) for line in self.lines) / total


class OcrEngine(Protocol):
    """Turns an upright page image into lines of text with boxes and confidences."""

    name: str

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        """Read one page image; never download anything.

        The page MUST carry ``source`` set to ``name`` and ``engine_seconds`` set to the time
        spent inside the engine (its models or its program) reading it.
        """
        ...
