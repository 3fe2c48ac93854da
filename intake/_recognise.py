"""Turning a read document into OCR'd pages: prepare each page and read it, pages in parallel."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

from intake._errors import IntakeError, OcrEngineError
from intake._ocr import OcrEngine, OcrPage
from intake._prepare import OrientationDetector, Preparation, prepare
from intake._reading import PageSource, ReadDocument

PREPARATIONS: dict[str, Preparation] = {
    "rapidocr": Preparation(orientation=True, red_channel=True, fax=True),
    "tesseract": Preparation(
        orientation=True, red_channel=True, fax=True, flatten=True, deskew=True
    ),
}
"""The preparation steps each engine reads best after, as measured by ``bench/ocr.py --ablate``.

Both need orientation (hard scans: RapidOCR's CER 0.23 → 0.02, Tesseract's 0.40 → 0.09) and
the red channel (seals: RapidOCR 0.05 → 0.035 on clean scans, Tesseract 0.10 → 0.06).
Tesseract also needs deskew (0.28 → 0.06) and flattened lighting (hard: 0.23 → 0.09);
RapidOCR reads tilted lines by itself, and neither gained from contrast stretching.
Both find and unwarp the page in a phone photo (``Preparation.page``; a flat scan is never
taken for one: none of the 162 clean, office, fax, turned, low-resolution and ``hard``
pages of ``bench/intake_accuracy.py``'s corpus, and 27 of its 27 photos found). Enlarging
small print (``upscale``) did not change RapidOCR's key fields on low-resolution copies
(1.000 either way) or faxes (0.981 either way, 13 documents each), so it stays off.
Cleaning faxes (``fax``: streaks and specks out, jagged print smoothed) raised RapidOCR's
key fields on the 25 faxes of that corpus from 0.940 to 0.964 (0.964 with upscale too);
for Tesseract, on the same 25 faxes, it raised document types from 0.76 to 1.00, key fields
from 0.202 to 0.310 and cut the CER from 0.675 to 0.487: Tesseract's own binarisation does
not undo a fax's stair-stepped print either.
"""


def recognise(
    read: ReadDocument,
    *,
    engine: OcrEngine,
    workers: int,
    preparation: Preparation | None = None,
) -> list[OcrPage]:
    """Every page's text in page order; PDF text layers are used as they are, without OCR.

    Up to ``workers`` pages are decoded, prepared and read at once (each decoded only when
    its turn comes, so memory holds at most ``workers`` pages). ``preparation`` defaults to
    the engine's entry in ``PREPARATIONS``. Raises IntakeError: CorruptFileError for a page
    that cannot be decoded, OcrEngineError when the engine fails (whatever it raised).
    """
    steps = preparation or PREPARATIONS.get(engine.name, Preparation())
    if workers <= 1 or len(read.pages) <= 1:
        return [_recognise_page(page, engine, steps) for page in read.pages]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="yekuo-ocr") as pool:
        return list(pool.map(lambda page: _recognise_page(page, engine, steps), read.pages))


def _recognise_page(page: PageSource, engine: OcrEngine, steps: Preparation) -> OcrPage:
    if page.text_layer is not None:
        return page.text_layer
    detector = engine if isinstance(engine, OrientationDetector) else None
    try:
        image, rotation = prepare(page.image(), steps=steps, detector=detector)
        result = engine.recognise(image, number=page.number)
    except IntakeError:
        raise
    # An engine is a plug-in: whatever it raises fails this document, never the worker.
    except Exception as exc:
        raise OcrEngineError(
            f"the {engine.name} OCR engine failed on page {page.number}: "
            f"{exc or type(exc).__name__}; retry, or set YEKUO_OCR_ENGINE to the other engine"
        ) from exc
    return dataclasses.replace(result, number=page.number, rotation=rotation)
