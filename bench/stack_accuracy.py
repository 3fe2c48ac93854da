"""Stacks: how well a scanned stack is split into its documents and each typed, per engine.

Draws ``--stacks`` stacks of ``--min-docs``..``--max-docs`` synthetic documents each (types
at random, multi-page contracts included), degrades every page to ``--level``, writes each
stack as one scanned PDF (or ``--format tiff``) and runs it through ``intake.analyse_stack``
once per engine. With ``--covers`` a printed 资料封面 (the case page's, QR code and all) comes
before every document, each naming a case of its own. Prints per engine: the share of the
ground truth's parts found with exactly their pages (split right), the share split right and
of the right type (typed right), the share of key fields exactly right on the parts split
right, the share split right and routed to the case their cover names (with ``--covers``;
without, to no case), and seconds per page.

    .venv/bin/python -m bench.stack_accuracy [--stacks 10] [--min-docs 3] [--max-docs 5]
        [--engines rapidocr,tesseract] [--level mild] [--format pdf] [--covers] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image

from archive import DocType
from archive._cover_pdf import cover_image
from archive._cover_sheets import CoverPage
from archive._vocabulary import DOC_TYPE_LABELS_ZH
from core import Settings
from intake import CoverSheet, OcrEngine, StackAnalysis, analyse_stack, open_ocr_engine
from synthetic import (
    LEVELS,
    Level,
    SyntheticDoc,
    SyntheticStack,
    build_stack,
    degrade,
    render_stack,
    scanned_pdf_bytes,
    tiff_bytes,
)

_TODAY = date(2024, 6, 1)

Drawn = tuple[SyntheticStack, list[str | None]]
"""A stack and the case each of its parts' cover sheets names (None: no cover)."""


@dataclass
class StackTally:
    """Parts of the ground truth, how many were split, typed and routed right, fields, time."""

    parts: int = 0
    split: int = 0
    typed: int = 0
    fields: int = 0
    fields_right: int = 0
    routed: int = 0
    pages: int = 0
    seconds: float = 0.0

    def count(self, drawn: Drawn, result: StackAnalysis) -> None:
        """Compare one stack's analysis with its ground truth."""
        stack, cases = drawn
        found = {item.part.page_range: item for item in result.parts}
        for part, case_no in zip(stack.parts, cases, strict=True):
            self.parts += 1
            item = found.get(part.page_range)
            if item is None:
                continue
            analysis = item.analysis
            self.split += 1
            self.typed += analysis.doc_type == part.doc.doc_type
            self.routed += item.part.case_no == case_no
            self.fields += len(part.doc.fields)
            self.fields_right += sum(
                analysis.values.get(name) == value for name, value in part.doc.fields.items()
            )
        self.pages += len(stack.images)
        self.seconds += result.seconds

    def row(self, label: str) -> str:
        """One line of the table."""
        shares = [
            self.split / max(1, self.parts),
            self.typed / max(1, self.parts),
            self.fields_right / max(1, self.fields),
            self.routed / max(1, self.parts),
        ]
        per_page = self.seconds / max(1, self.pages)
        cells = " ".join(f"{share:>8.3f}" for share in shares)
        return f"{label:<12} {self.parts:>6} {cells} {per_page:>8.2f}"


def _cover(case_no: str, doc: SyntheticDoc) -> Image.Image:
    """The cover sheet the case page prints for ``doc``'s type on case ``case_no``."""
    label = DOC_TYPE_LABELS_ZH[DocType(doc.doc_type)]
    page = CoverPage(
        sheet=CoverSheet(case_no=case_no, doc_type=doc.doc_type),
        customer_name="王小明",
        doc_type_zh=label,
        requirement_zh=label,
        stage_zh="受理",
        alternatives_zh=(),
    )
    return cover_image(page).convert("RGB")


def _stacks(args: argparse.Namespace) -> list[Drawn]:
    rng = random.Random(args.seed)
    drawn: list[Drawn] = []
    for n in range(args.stacks):
        stack = render_stack(rng, documents=rng.randint(args.min_docs, args.max_docs))
        docs = [part.doc for part in stack.parts]
        if not args.covers:
            drawn.append((stack, [None] * len(docs)))
            continue
        cases = [f"YK-{n}-{i}" for i in range(len(docs))]
        covers = [_cover(case_no, doc) for case_no, doc in zip(cases, docs, strict=True)]
        drawn.append((build_stack(docs, covers=covers), [*cases]))
    return drawn


def _write(stack: SyntheticStack, path: Path, level: Level, rng: random.Random) -> Path:
    pages = [degrade(image, level, rng) for image in stack.images]
    if path.suffix == ".pdf":
        path.write_bytes(scanned_pdf_bytes(pages))
    else:
        path.write_bytes(tiff_bytes(pages))
    return path


def _run(files: list[tuple[Drawn, Path]], engine: OcrEngine, settings: Settings) -> StackTally:
    tally = StackTally()
    for drawn, path in files:
        result = analyse_stack(
            path, media_type=None, settings=settings, engine=engine, today=_TODAY
        )
        tally.count(drawn, result)
    return tally


def main() -> None:
    """Parse the arguments, draw and write the stacks, analyse them with each engine, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stacks", type=int, default=10)
    parser.add_argument("--min-docs", type=int, default=3)
    parser.add_argument("--max-docs", type=int, default=5)
    parser.add_argument("--engines", default="rapidocr")
    parser.add_argument("--level", choices=LEVELS, default="mild")
    parser.add_argument("--format", choices=("pdf", "tiff"), default="pdf")
    parser.add_argument("--covers", action="store_true", help="a cover before each document")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    stacks = _stacks(args)
    rng = random.Random(args.seed)
    print(
        f"{len(stacks)} stacks, {sum(len(s.parts) for s, _ in stacks)} documents, "
        f"{sum(len(s.images) for s, _ in stacks)} pages, level {args.level}, {args.format}"
        + (", a cover sheet before each document" if args.covers else "")
    )
    header = " ".join(f"{h:>8}" for h in ("split", "typed", "fields", "routed", "s/page"))
    print(f"{'engine':<12} {'parts':>6} {header}")
    with tempfile.TemporaryDirectory(prefix="yekuo-stacks-") as folder:
        files = [
            (drawn, _write(drawn[0], Path(folder) / f"{n}.{args.format}", args.level, rng))
            for n, drawn in enumerate(stacks)
        ]
        for name in args.engines.split(","):
            settings = Settings(ocr_engine=name, intake_workers=1, _env_file=None)
            print(_run(files, open_ocr_engine(settings), settings).row(name), flush=True)


if __name__ == "__main__":
    main()
