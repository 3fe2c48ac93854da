"""What field extraction produces: one value per DESIGN.md field name, with its provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from intake._ocr import Box

Doubt = Literal[
    "label_residue", "trimmed", "check_digit", "unparsed", "fallback", "low_confidence", "signature"
]
"""Why a reading is uncertain, as a stable code:

``label_residue`` the text after the label began with another label (业务编号…), removed;
``trimmed`` a number or Latin text glued to the value was cut off;
``check_digit`` an identifier of the right shape whose check character fails;
``unparsed`` an identifier of the wrong length or shape, kept as read;
``fallback`` found without its label, by searching the page for its shape;
``low_confidence`` the OCR engine's confidence in the text is below ``LOW_CONFIDENCE``;
``signature`` read after a signature line's label (委托人（签字/盖章）：), where the name is
usually handwritten.
"""

LOW_CONFIDENCE = 0.6
"""Readings from text the engine is less sure of than this are uncertain."""


@dataclass(frozen=True)
class ExtractedField:
    """One field read from a document.

    ``value`` is normalised (ISO dates, ``long_term`` for 长期, identifiers repaired when that
    is safe, spaces removed, half-width forms); ``ocr_value`` is the text the page showed.
    ``confidence`` is the OCR confidence (0..1) of the text the value came from; ``page``
    (from 1) and ``box`` say where, or are None when the value was not read from one place.
    ``uncertain`` is True when the reading should be checked by a person before it is
    trusted (compared with the case, say), and ``doubt`` then says why (see ``Doubt``);
    a certain reading has ``doubt`` None.
    """

    value: str
    ocr_value: str
    confidence: float
    page: int | None
    box: Box | None
    doubt: Doubt | None = None

    @property
    def uncertain(self) -> bool:
        """Whether the reading is in doubt (``doubt`` says why)."""
        return self.doubt is not None
