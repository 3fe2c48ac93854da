"""OCR accuracy and speed per engine, degradation level and preparation step.

Renders a synthetic corpus (five document types × clean/mild/hard, ``--per-cell`` scans
each), then for every engine reads it with the engine's default preparation and, with
``--ablate``, once more with each preparation step switched the other way. Prints one row
per engine, preparation and level: the character error rate (edit distance over the
ground truth's length, whitespace ignored, width folded; the ground truth is the printed
lines in raster order, rows of lines that overlap vertically read left to right, the order
the engines' rows come in), the share of key fields found verbatim in the text, and
seconds per page (preparation and OCR, one page at a time).

    .venv/bin/python -m bench.ocr [--per-cell 3] [--engines rapidocr,tesseract] [--ablate]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image

from bench._tally import Tally
from core import Settings
from intake import (
    PREPARATIONS,
    OcrEngine,
    OrientationDetector,
    Preparation,
    normalize_text,
    open_ocr_engine,
    prepare,
)
from synthetic import LEVELS, Level, SyntheticDoc, degrade, render

DOC_TYPES = (
    "id_card",
    "business_license",
    "property_certificate",
    "application_form",
    "supply_contract",
)
_SPACE = re.compile(r"\s+")


def comparable(text: str) -> str:
    """Text as compared: width folded, whitespace removed (layouts space text differently)."""
    return _SPACE.sub("", normalize_text(text))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def key_fields(doc: SyntheticDoc) -> list[str]:
    """The field values printed verbatim on the document (dates and codes are not)."""
    truth = comparable(doc.text)
    values = (comparable(value) for value in doc.fields.values())
    return [value for value in values if len(value) >= 2 and value in truth]


@dataclass(frozen=True)
class Scan:
    """One degraded document of the corpus and its ground truth."""

    level: Level
    doc: SyntheticDoc
    pages: list[Image.Image]


def build_corpus(per_cell: int, seed: int) -> list[Scan]:
    """``per_cell`` scans of each document type at each level, the same for the same seed."""
    scans = []
    for index, (doc_type, level) in enumerate(
        (doc_type, level) for doc_type in DOC_TYPES for level in LEVELS for _ in range(per_cell)
    ):
        rng = random.Random(seed * 100_003 + index)
        doc = render(doc_type, rng)
        scans.append(Scan(level, doc, [degrade(page, level, rng) for page in doc.images]))
    return scans


def _row(tally: Tally) -> str:
    """CER, key fields found and seconds per page, formatted."""
    found = 100 * tally.fields_share
    return f"{tally.cer:6.3f}  {found:5.1f} %  {tally.seconds_per_page:6.2f}"


def read_scan(engine: OcrEngine, steps: Preparation, scan: Scan) -> tuple[str, float]:
    """The OCR text of a scan's pages and the seconds it took."""
    detector = engine if isinstance(engine, OrientationDetector) else None
    started = time.perf_counter()
    texts = []
    for number, page in enumerate(scan.pages, start=1):
        image, _ = prepare(page, steps=steps, detector=detector)
        texts.append(engine.recognise(image, number=number).text)
    return "\n".join(texts), time.perf_counter() - started


def measure(engine: OcrEngine, steps: Preparation, corpus: Iterable[Scan]) -> dict[Level, Tally]:
    """Tallies per level of one engine with one preparation over the corpus."""
    tallies = {level: Tally() for level in LEVELS}
    for scan in corpus:
        text, seconds = read_scan(engine, steps, scan)
        tally = tallies[scan.level]
        truth, read = comparable(scan.doc.text), comparable(text)
        tally.distance += edit_distance(truth, read)
        tally.length += len(truth)
        fields = key_fields(scan.doc)
        tally.fields += len(fields)
        tally.fields_right += sum(value in read for value in fields)
        tally.pages += len(scan.pages)
        tally.seconds += seconds
    return tallies


def variants(default: Preparation, *, ablate: bool) -> list[tuple[str, Preparation]]:
    """The default preparation and, when ablating, each step switched the other way."""
    named = [("default", default)]
    if ablate:
        for step in dataclasses.fields(Preparation):
            on = getattr(default, step.name)
            changed = dataclasses.replace(default, **{step.name: not on})
            named.append((f"{'-' if on else '+'}{step.name}", changed))
    return named


def main() -> None:
    """Parse arguments, build the corpus, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-cell", type=int, default=3, help="scans per type and level")
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--ablate", action="store_true", help="also flip each preparation step")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    corpus = build_corpus(args.per_cell, args.seed)
    pages = sum(len(scan.pages) for scan in corpus)
    print(f"corpus: {len(corpus)} scans, {pages} pages; CER, key fields found, s/page")
    print(f"{'engine':10} {'preparation':14} {'level':6} {'CER':>6}  {'fields':>7}  {'s/page':>6}")
    for name in args.engines.split(","):
        engine = open_ocr_engine(Settings(ocr_engine=name, intake_workers=1, _env_file=None))
        for label, steps in variants(PREPARATIONS[name], ablate=args.ablate):
            for level, tally in measure(engine, steps, corpus).items():
                print(f"{name:10} {label:14} {level:6} {_row(tally)}", flush=True)


if __name__ == "__main__":
    main()
