"""Errors of reading files and running OCR; each message says what was wrong and what is accepted.

Hierarchy::

    core.YekuoError
    └── IntakeError                      reading, OCR, classification
        ├── UnreadableFileError          the file cannot be read as the type it claims
        │   ├── CorruptFileError         truncated, damaged, or not what its bytes say
        │   └── EncryptedPdfError        the PDF needs a password
        ├── TooLargeError                decoding it would exhaust memory (pixels, pages)
        └── OcrEngineError               the OCR engine failed or is not installed

All but ``OcrEngineError`` are permanent: retrying the same file gives the same error.
"""

from __future__ import annotations

from core import YekuoError


class IntakeError(YekuoError):
    """A document could not be read, recognised or understood."""


class UnreadableFileError(IntakeError):
    """The file cannot be read as the type its bytes claim."""


class CorruptFileError(UnreadableFileError):
    """The file is truncated or damaged."""


class EncryptedPdfError(UnreadableFileError):
    """The PDF is encrypted with a password that yekuo does not have."""


class TooLargeError(IntakeError):
    """Decoding the file would exhaust memory: too many pixels or pages."""


class OcrEngineError(IntakeError):
    """The OCR engine failed on a page, or cannot be started."""
