"""Stacks: how well a scanned stack is split into its documents and each typed, per engine.

Draws ``--stacks`` stacks of ``--min-docs``..``--max-docs`` synthetic documents each (types
at random, multi-page contracts included), degrades every page to ``--level``, writes each
stack as one scanned PDF (or ``--format tiff``) and runs it through ``intake.analyse_stack``
once per engine. Prints per engine: the share of the ground truth's parts found with exactly
their pages (split right), the share split right and of the right type (typed right), the
share of key fields exactly right on the parts split right, and seconds per page.

    .venv/bin/python -m bench.stack_accuracy [--stacks 10] [--min-docs 3] [--max-docs 5]
        [--engines rapidocr,tesseract] [--level mild] [--format pdf] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core import Settings
from intake import OcrEngine, StackAnalysis, analyse_stack, open_ocr_engine
from synthetic import (
    LEVELS,
    Level,
    SyntheticStack,
    degrade,
    render_stack,
    scanned_pdf_bytes,
    tiff_bytes,
)

_TODAY = date(2024, 6, 1)


@dataclass
class StackTally:
    """Parts of the ground truth, how many were split and typed right, fields, pages, time."""

    parts: int = 0
    split: int = 0
    typed: int = 0
    fields: int = 0
    fields_right: int = 0
    pages: int = 0
    seconds: float = 0.0

    def count(self, stack: SyntheticStack, result: StackAnalysis) -> None:
        """Compare one stack's analysis with its ground truth."""
        found = {item.part.page_range: item.analysis for item in result.parts}
        for part in stack.parts:
            self.parts += 1
            analysis = found.get(part.page_range)
            if analysis is None:
                continue
            self.split += 1
            self.typed += analysis.doc_type == part.doc.doc_type
            self.fields += len(part.doc.fields)
            self.fields_right += sum(
                analysis.values.get(name) == value for name, value in part.doc.fields.items()
            )
        self.pages += len(stack.images)
        self.seconds += result.seconds

    def row(self, label: str) -> str:
        """One line of the table."""
        split, typed = self.split / max(1, self.parts), self.typed / max(1, self.parts)
        fields = self.fields_right / max(1, self.fields)
        per_page = self.seconds / max(1, self.pages)
        cells = f"{split:>8.3f} {typed:>8.3f} {fields:>8.3f} {per_page:>8.2f}"
        return f"{label:<12} {self.parts:>6} {cells}"


def _stacks(args: argparse.Namespace) -> list[SyntheticStack]:
    rng = random.Random(args.seed)
    return [
        render_stack(rng, documents=rng.randint(args.min_docs, args.max_docs))
        for _ in range(args.stacks)
    ]


def _write(stack: SyntheticStack, path: Path, *, level: Level, rng: random.Random) -> Path:
    pages = [degrade(image, level, rng) for image in stack.images]
    if path.suffix == ".pdf":
        path.write_bytes(scanned_pdf_bytes(pages))
    else:
        path.write_bytes(tiff_bytes(pages))
    return path


def _run(
    files: list[tuple[SyntheticStack, Path]], engine: OcrEngine, settings: Settings
) -> StackTally:
    tally = StackTally()
    for stack, path in files:
        result = analyse_stack(
            path, media_type=None, settings=settings, engine=engine, today=_TODAY
        )
        tally.count(stack, result)
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
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    stacks = _stacks(args)
    rng = random.Random(args.seed)
    print(
        f"{len(stacks)} stacks, {sum(len(s.parts) for s in stacks)} documents, "
        f"{sum(len(s.images) for s in stacks)} pages, level {args.level}, {args.format}"
    )
    print(f"{'engine':<12} {'parts':>6} {'split':>8} {'typed':>8} {'fields':>8} {'s/page':>8}")
    with tempfile.TemporaryDirectory(prefix="yekuo-stacks-") as folder:
        files = [
            (
                stack,
                _write(stack, Path(folder) / f"stack-{n}.{args.format}", level=args.level, rng=rng),
            )
            for n, stack in enumerate(stacks)
        ]
        for name in args.engines.split(","):
            settings = Settings(ocr_engine=name, intake_workers=1, _env_file=None)
            print(_run(files, open_ocr_engine(settings), settings).row(name), flush=True)


if __name__ == "__main__":
    main()
