"""This tree's RapidOCR engine against the one of another git revision, on the synthetic corpus.

The baseline is ``intake/_rapid.py`` as it is at ``--baseline`` (read with ``git show``, run
against this tree's intake package); the OCR package it imports must be installed beside this
tree's (``rapidocr-onnxruntime`` 1.4.4 and ``rapidocr`` 3 have different import names and
coexist). Renders ``--per-cell`` documents of every type at every ``--levels`` level (layouts
drawn by the seed), writes them as archivists upload them, and runs each file through
``intake.analyse`` with both engines, taking turns at going first. Prints per level and for
each engine: documents and pages, the share classified right, the share of key fields exactly
right, the character error rate (``bench.ocr``'s measure), the engine's seconds per page (its
``recognise`` and orientation calls), analyse's seconds per page, and analyse's CPU seconds
per page (steadier than wall time on a shared machine); then the totals.

    .venv/bin/python -m bench.engine_compare [--baseline main] [--per-cell 1]
        [--levels clean,mild,hard] [--threads 1] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
import time
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from bench._tally import Tally
from bench.intake_accuracy import Scan, TimedEngine, measure, timed
from core import Settings
from intake import OcrEngine, open_ocr_engine
from synthetic import DOC_TYPES, LEVELS, Level, render, write_scan

_ROOT = Path(__file__).resolve().parent.parent
_INVALID_EVERY = 4  # every fourth document has invalid identifiers, read as printed
_DISTRIBUTIONS = ("rapidocr", "rapidocr-onnxruntime", "onnxruntime")


def baseline_engine(revision: str, threads: int) -> OcrEngine:
    """The ``RapidOcrEngine`` of ``intake/_rapid.py`` at a git revision, loaded from its source."""
    where = f"{revision}:intake/_rapid.py"
    shown = subprocess.run(
        ["git", "show", where], cwd=_ROOT, capture_output=True, text=True, check=False
    )
    if shown.returncode:
        raise SystemExit(f"cannot read {where}: {shown.stderr.strip()}; name a git revision")
    module = types.ModuleType("baseline_rapid")
    exec(compile(shown.stdout, where, "exec"), module.__dict__)  # our own code, one revision back
    engine: OcrEngine = module.RapidOcrEngine(threads=threads)
    return engine


def build_corpus(levels: Sequence[Level], per_cell: int, seed: int, directory: Path) -> list[Scan]:
    """``per_cell`` scans of every type at every level, written to directory; seeded."""
    scans = []
    for level in levels:
        for doc_type in DOC_TYPES:
            for index in range(per_cell):
                key = f"{seed}-{level}-{doc_type}-{index}"
                rng = random.Random(key)
                valid = index % _INVALID_EVERY != _INVALID_EVERY - 1
                doc = render(doc_type, rng, valid_identifiers=valid)
                scans.append(Scan(doc, level, write_scan(doc, level, rng, directory / key)))
    return scans


@dataclass
class Side:
    """One engine's tallies per level and its seconds inside the engine per level."""

    label: str
    engine: TimedEngine
    tallies: dict[str, Tally] = field(default_factory=dict)
    engine_seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def run(self, scan: Scan, settings: Settings) -> None:
        """Analyse one scan and add its score, engine time and CPU time to its level."""
        before = self.engine.recognise_seconds + self.engine.orientation_seconds
        cpu = time.process_time()
        tally, _ = measure(scan, self.engine, settings)
        cpu = time.process_time() - cpu
        inside = self.engine.recognise_seconds + self.engine.orientation_seconds - before
        self.tallies.setdefault(scan.capture, Tally()).add(tally)
        self.engine_seconds[scan.capture] = self.engine_seconds.get(scan.capture, 0.0) + inside
        self.cpu_seconds[scan.capture] = self.cpu_seconds.get(scan.capture, 0.0) + cpu

    def cells(self, levels: Sequence[Level]) -> str:
        """Doc-type accuracy, key fields, CER, engine, total and CPU seconds per page, over
        the levels."""
        tally = Tally()
        for level in levels:
            tally.add(self.tallies.get(level, Tally()))
        pages = max(1, tally.pages)
        inside = sum(self.engine_seconds.get(level, 0.0) for level in levels)
        cpu = sum(self.cpu_seconds.get(level, 0.0) for level in levels)
        return (
            f"{tally.classified_share:5.3f} {tally.fields_share:6.3f} {tally.cer:6.3f} "
            f"{inside / pages:6.2f} {tally.seconds_per_page:6.2f} {cpu / pages:6.2f}"
        )


def report(sides: Sequence[Side], levels: Sequence[Level]) -> None:
    """The table: one line per level and a total, each engine's cells side by side."""
    names = "".join(f" | {side.label:^41}" for side in sides)
    columns = " | class fields    CER eng/pg tot/pg cpu/pg" * len(sides)
    print(f"{'':20}{names}\n{'level     docs pages'}{columns}")
    for label, group in [*((level, [level]) for level in levels), ("TOTAL", list(levels))]:
        counted = Tally()
        for level in group:
            counted.add(sides[0].tallies.get(level, Tally()))
        row = "".join(f" | {side.cells(group)}" for side in sides)
        print(f"{label:9} {counted.documents:4} {counted.pages:5}{row}")


def versions() -> str:
    """The installed versions of the OCR distributions, for the record."""
    found = []
    for name in _DISTRIBUTIONS:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def main() -> None:
    """Parse the command line, build the corpus, run both engines, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--baseline", default="main", help="git revision of the other engine")
    parser.add_argument("--per-cell", type=int, default=1, help="scans per type and level")
    parser.add_argument("--levels", default=",".join(LEVELS))
    parser.add_argument("--threads", type=int, default=1, help="ONNX Runtime threads per engine")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    levels = [level for level in LEVELS if level in args.levels.split(",")]
    settings = Settings(intake_workers=1, _env_file=None)
    current = Settings(ocr_engine="rapidocr", ocr_threads=args.threads, _env_file=None)
    sides = [
        Side(f"{args.baseline}", timed(baseline_engine(args.baseline, args.threads))),
        Side("this tree", timed(open_ocr_engine(current))),
    ]
    print(versions())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="yekuo-engines-") as tmp:
        scans = build_corpus(levels, args.per_cell, args.seed, Path(tmp))
        for index, scan in enumerate(scans):
            for side in sides if index % 2 == 0 else sides[::-1]:
                side.run(scan, settings)
        report(sides, levels)
    print(f"\nwall time {time.perf_counter() - started:.0f} s, {args.threads} thread(s) per engine")


if __name__ == "__main__":
    main()
