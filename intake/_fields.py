"""What field extraction produces: one value per DESIGN.md field name, with its provenance."""

from __future__ import annotations

from dataclasses import dataclass

from intake._ocr import Box


@dataclass(frozen=True)
class ExtractedField:
    """One field read from a document.

    ``value`` is normalised (ISO dates, ``long_term`` for 长期, identifiers repaired when that
    is safe, spaces removed, half-width forms); ``ocr_value`` is the text the page showed.
    ``confidence`` is the OCR confidence (0..1) of the text the value came from; ``page``
    (from 1) and ``box`` say where, or are None when the value was not read from one place.
    """

    value: str
    ocr_value: str
    confidence: float
    page: int | None
    box: Box | None
