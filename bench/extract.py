"""Classification and field extraction accuracy on the synthetic corpus, per type and level.

Renders every document type the corpus generator draws, degrades it (clean / mild /
hard), writes it as the file an archivist would upload (PNG when clean, JPEG otherwise, a
TIFF for several pages) and runs it through ``intake.analyse`` with the configured engine.
Prints, per level and document type, the share classified right and the share of key
fields (the ground truth's fields, DESIGN.md names) whose value is exactly right, then the
totals per level. Every fourth document has invalid identifiers, which must still be read
as printed.

OCR dominates the time (seconds per page on two cores); ``--cache DIR`` keeps each
document's OCR pages, so that re-running after a change to classification or extraction
takes seconds. ``--misses`` lists every wrong field.

    .venv/bin/python -m bench.extract [--count 2] [--levels clean,mild,hard] [--cache DIR]
        [--engine rapidocr|tesseract] [--misses]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from dataclasses import asdict
from datetime import date
from pathlib import Path

from bench._tally import Tally
from core import Settings
from intake import OcrEngine, OcrLine, OcrPage, analyse, open_ocr_engine, understand
from synthetic import (
    DOC_TYPES,
    LEVELS,
    Level,
    SyntheticDoc,
    render,
    write_scan,
)

_TODAY = date(2024, 6, 1)
_INVALID_EVERY = 4


def _row(name: str, tally: Tally) -> str:
    """One table row: classification and field accuracy in per cent."""
    return (
        f"| {name} | {tally.documents} | {100 * tally.classified_share:.0f} % | "
        f"{tally.fields_right}/{tally.fields} = {100 * tally.fields_share:.1f} % |"
    )


def _load(path: Path) -> list[OcrPage]:
    pages = json.loads(path.read_text(encoding="utf-8"))
    return [
        OcrPage(
            number=page["number"],
            width=page["width"],
            height=page["height"],
            lines=[
                OcrLine(line["text"], (*line["box"],), line["confidence"]) for line in page["lines"]
            ],
            source=page["source"],
            rotation=page["rotation"],
        )
        for page in pages
    ]


def _pages(
    cache_key: str, key: str, doc: SyntheticDoc, level: Level, engine: OcrEngine, cache: Path | None
) -> list[OcrPage]:
    """The document's OCR pages, from the cache when it has them; key seeds the degradation."""
    cached = cache / f"{cache_key}.json" if cache else None
    if cached is not None and cached.exists():
        return _load(cached)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_scan(doc, level, random.Random(key), Path(tmp) / "scan")
        pages = analyse(path, media_type=None, settings=Settings(), engine=engine).pages
    if cached is not None:
        cached.write_text(json.dumps([asdict(page) for page in pages]), encoding="utf-8")
    return pages


def _measure(doc: SyntheticDoc, pages: list[OcrPage], misses: list[str]) -> Tally:
    analysis = understand(pages, today=_TODAY)
    right = 0
    for name, expected in doc.fields.items():
        found = analysis.fields.get(name)
        if found is not None and found.value == expected:
            right += 1
        else:
            misses.append(f"{doc.doc_type}.{name}: {expected!r} read {found and found.value!r}")
    if analysis.doc_type != doc.doc_type:
        misses.append(f"{doc.doc_type} classified {analysis.doc_type} {analysis.evidence}")
    return Tally(1, int(analysis.doc_type == doc.doc_type), len(doc.fields), right)


def run(
    levels: list[Level], count: int, seed: int, cache: Path | None, *, engine_name: str, show: bool
) -> None:
    """Measure and print the table (Markdown)."""
    engine = open_ocr_engine(Settings(ocr_engine=engine_name))
    print("| level / document type | documents | classified right | key fields exactly right |")
    print("| --- | --- | --- | --- |")
    for level in levels:
        total = Tally()
        misses: list[str] = []
        for doc_type in DOC_TYPES:
            tally = Tally()
            for index in range(count):
                key = f"{seed}-{level}-{doc_type}-{index}"
                cache_key = key if engine_name == "rapidocr" else f"{engine_name}-{key}"
                valid = index % _INVALID_EVERY != _INVALID_EVERY - 1
                doc = render(doc_type, random.Random(key), valid_identifiers=valid)
                pages = _pages(cache_key, key, doc, level, engine, cache)
                tally.add(_measure(doc, pages, misses))
            print(_row(f"{level} {doc_type}", tally), flush=True)
            total.add(tally)
        print(_row(f"**{level} total**", total), flush=True)
        if show:
            print("\n".join(f"    miss: {miss}" for miss in misses))


def main() -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=2, help="documents per type and level")
    parser.add_argument("--levels", default=",".join(LEVELS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=None, help="directory of OCR results")
    parser.add_argument("--engine", choices=("rapidocr", "tesseract"), default="rapidocr")
    parser.add_argument("--misses", action="store_true", help="list every wrong field")
    args = parser.parse_args()
    levels = [level for level in LEVELS if level in args.levels.split(",")]
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    run(levels, args.count, args.seed, args.cache, engine_name=args.engine, show=args.misses)


if __name__ == "__main__":
    main()
