"""The whole intake pipeline on the synthetic corpus: accuracy, speed and scaling, both engines.

Renders every document type the generator draws, in each of its layouts, under every
``--conditions`` capture condition (clean, office_scan, phone_photo, fax, turned, low_res:
``synthetic.CONDITIONS``) and at every ``--levels`` degradation level (``mild``, ``hard``; none by
default), ``--per-cell`` scans each, writes them as archivists upload them (PNG when clean or a
fax, JPEG otherwise, a TIFF for several pages) and runs each file through ``intake.analyse`` once
per engine, one page at a time. Prints, per condition and document type and for each engine side by
side: the share classified right, the share of key fields (the ground truth's fields) exactly
right, the share read wrong with no doubt (``wrong``: what the cross-checks would report as a
mismatch), the share of those read right that were still marked uncertain (``doubt``: 请核对 asked
without need), the character error rate of the text (``bench.ocr``'s measure, against the printed
lines in raster order as ``SyntheticDoc.text`` gives them), seconds per page in intake and of those
inside the OCR engine (its pages' ``engine_seconds``); then the totals per condition and its
held-out layouts' total (each condition printed as soon as it is measured); then the same per
layout of the types drawn in several, with a total for the layouts extraction is tuned on and one
for those held out of tuning (``synthetic.HELD_OUT_LAYOUTS``); then a summary, one line per
condition (all layouts, and the held-out ones apart); and the share of analyse's wall time spent
outside the OCR engine (its ``recognise`` calls, and those plus orientation detection, which also
runs its models).
``--misses`` lists, after each condition's lines, every key field missed: engine, capture, type,
layout, field, the value printed and the value read.

``--workers-check N`` then analyses N of the same files (spread over types and conditions) in 1
and in 2 worker processes, each loading its own engine of the first ``--engines`` entry, and
prints documents per minute and the ratio: first with each process's engine sized as
``YEKUO_INTAKE_WORKERS=1`` sizes it (ONNX Runtime on every core), then with one thread per
engine (the cores shared out among two processes), and the best against the best.

    .venv/bin/python -m bench.intake_accuracy [--per-cell 6] [--engines rapidocr,tesseract]
        [--conditions clean,office_scan,phone_photo,fax,turned,low_res] [--levels mild,hard]
        [--seed 1] [--workers-check 24] [--misses]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import Image

from bench._tally import Tally
from bench.ocr import comparable, edit_distance
from core import Settings
from intake import OcrEngine, OcrPage, OrientationDetector, analyse, open_ocr_engine
from synthetic import (
    CONDITIONS,
    DOC_TYPES,
    HELD_OUT_LAYOUTS,
    LAYOUTS,
    LEVELS,
    Condition,
    Level,
    SyntheticDoc,
    render,
    write_scan,
)

_TODAY = date(2024, 6, 1)
_INVALID_EVERY = 4  # every fourth document has invalid identifiers, read as printed

Capture = Condition | Level
"""How a scan was made: a capture condition, or one of ``synthetic.degrade``'s levels."""


class TimedEngine:
    """An OcrEngine that passes every call on and adds up the seconds the engine took."""

    def __init__(self, engine: OcrEngine) -> None:
        self.name = engine.name
        self._engine = engine
        self.recognise_seconds = 0.0
        self.orientation_seconds = 0.0

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        """The wrapped engine's reading of the page, timed."""
        started = time.perf_counter()
        try:
            return self._engine.recognise(image, number=number)
        finally:
            self.recognise_seconds += time.perf_counter() - started


class TimedDetectingEngine(TimedEngine):
    """A TimedEngine for an engine that also detects page orientation (timed too)."""

    def __init__(self, engine: OcrEngine, detector: OrientationDetector) -> None:
        super().__init__(engine)
        self._detector = detector

    def detect_rotation(self, image: Image.Image) -> int:
        """The wrapped engine's orientation of the page, timed."""
        started = time.perf_counter()
        try:
            return self._detector.detect_rotation(image)
        finally:
            self.orientation_seconds += time.perf_counter() - started


def timed(engine: OcrEngine) -> TimedEngine:
    """The engine behind a timing proxy that keeps its orientation detection, if it has one."""
    if isinstance(engine, OrientationDetector):
        return TimedDetectingEngine(engine, engine)
    return TimedEngine(engine)


@dataclass(frozen=True)
class Scan:
    """One document of the corpus: its ground truth, capture and the file written for it."""

    doc: SyntheticDoc
    capture: Capture
    path: Path


def build_corpus(
    captures: Sequence[Capture], per_cell: int, seed: int, directory: Path
) -> list[Scan]:
    """``per_cell`` scans of every type in every layout under every capture, written to
    directory; seeded."""
    scans = []
    for capture in captures:
        for doc_type in DOC_TYPES:
            for layout in LAYOUTS[doc_type]:
                for index in range(per_cell):
                    key = f"{seed}-{capture}-{doc_type}-{layout}-{index}"
                    valid = index % _INVALID_EVERY != _INVALID_EVERY - 1
                    rng = random.Random(key)
                    doc = render(doc_type, rng, valid_identifiers=valid, layout=layout)
                    path = write_scan(doc, capture, random.Random(key), directory / key)
                    scans.append(Scan(doc, capture, path))
    return scans


def cells(tally: Tally) -> str:
    """doc_type accuracy, key fields exactly right, read wrong without doubt, read right but
    doubted, CER, seconds per page in intake and in the OCR engine."""
    return (
        f"{tally.classified_share:5.2f} {tally.fields_share:6.3f} {tally.wrong_sure_share:5.3f} "
        f"{tally.right_doubted_share:5.3f} {tally.cer:6.3f} "
        f"{tally.seconds_per_page:6.2f} {tally.engine_seconds_per_page:6.2f}"
    )


@dataclass(frozen=True)
class Miss:
    """One key field of a scan not read exactly right: what was printed and what was read."""

    scan: Scan
    name: str
    expected: str
    read: str | None
    doubt: str | None

    def line(self, engine: str) -> str:
        """The miss on one line: engine, capture, type, layout (* held out), field, values, and
        why the reading was marked uncertain, if it was."""
        doc = self.scan.doc
        mark = " *" if doc.layout in HELD_OUT_LAYOUTS else ""
        doubt = f" (doubt: {self.doubt})" if self.doubt else ""
        return (
            f"{engine} {self.scan.capture} {doc.doc_type} {doc.layout}{mark} {self.name}: "
            f"expected {self.expected!r}, read {self.read!r}{doubt}"
        )


def measure(scan: Scan, engine: TimedEngine, settings: Settings) -> tuple[Tally, list[Miss]]:
    """Analyse one scan with the engine; score what it understood and list the key fields it
    missed."""
    started = time.perf_counter()
    analysis = analyse(scan.path, media_type=None, settings=settings, engine=engine, today=_TODAY)
    seconds = time.perf_counter() - started
    truth, read = comparable(scan.doc.text), comparable(analysis.text)
    misses = [
        Miss(
            scan,
            name,
            expected,
            None if found is None else found.value,
            None if found is None else found.doubt,
        )
        for name, expected in scan.doc.fields.items()
        for found in (analysis.fields.get(name),)
        if found is None or found.value != expected
    ]
    doubted = {name for name, found in analysis.fields.items() if found.uncertain}
    tally = Tally(
        documents=1,
        classified=int(analysis.doc_type == scan.doc.doc_type),
        fields=len(scan.doc.fields),
        fields_right=len(scan.doc.fields) - len(misses),
        distance=edit_distance(truth, read),
        length=len(truth),
        pages=len(analysis.pages),
        seconds=seconds,
        engine_seconds=sum(page.engine_seconds for page in analysis.pages),
        fields_wrong_sure=sum(miss.read is not None and miss.doubt is None for miss in misses),
        fields_right_doubted=len((set(scan.doc.fields) - {miss.name for miss in misses}) & doubted),
    )
    return tally, misses


@dataclass
class EngineRun:
    """One engine's tallies per (capture, type) and its time inside and outside the engine."""

    engine: TimedEngine
    cells: dict[tuple[Capture, str], Tally] = field(default_factory=dict)
    layouts: dict[tuple[Capture, str], Tally] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    analyse_seconds: float = 0.0

    def add(self, scan: Scan, tally: Tally, misses: list[Miss]) -> None:
        """Count one scan's tally into its cells and keep its misses."""
        self.misses.extend(misses)
        self.analyse_seconds += tally.seconds
        self.cells.setdefault((scan.capture, scan.doc.doc_type), Tally()).add(tally)
        self.layouts.setdefault((scan.capture, scan.doc.layout), Tally()).add(tally)


def header(engines: Sequence[str]) -> str:
    """The table's two header lines."""
    names = "".join(f" | {name:^46}" for name in engines)
    columns = " | class fields  wrong doubt    CER s/page engine" * len(engines)
    return f"{'':36} {'':>4}{names}\n{'condition / type':36} {'docs'}{columns}"


def row(label: str, tallies: Sequence[Tally]) -> str:
    """One table line: the label, the document count, each engine's cells."""
    columns = "".join(f" | {cells(tally)}" for tally in tallies)
    return f"{label:36} {tallies[0].documents:4}{columns}"


def accuracy(
    scans: Sequence[Scan],
    engines: Sequence[str],
    captures: Sequence[Capture],
    *,
    misses: bool,
) -> None:
    """Analyse every scan with every engine, capture by capture, printing each capture's lines
    (and, when asked, every key field missed) once it is measured; then the layouts, the
    summary and the overhead."""
    settings = Settings(intake_workers=1, _env_file=None)
    runs = [
        EngineRun(
            timed(open_ocr_engine(Settings(ocr_engine=name, intake_workers=1, _env_file=None)))
        )
        for name in engines
    ]
    print(header(engines))
    for capture in captures:
        for scan in scans:
            if scan.capture == capture:
                for run in runs:
                    run.add(scan, *measure(scan, run.engine, settings))
        capture_rows(runs, capture)
        if misses:
            capture_misses(runs, capture)
    print()
    layout_table(runs, engines, captures)
    print()
    summary(runs, engines, captures)
    print()
    for run in runs:
        engine = run.engine
        inside = engine.recognise_seconds + engine.orientation_seconds
        whole = max(run.analyse_seconds, 1e-9)
        print(
            f"{engine.name}: analyse {run.analyse_seconds:.1f} s, recognise "
            f"{engine.recognise_seconds:.1f} s, orientation {engine.orientation_seconds:.1f} s; "
            f"outside the engine {1 - inside / whole:.1%} "
            f"(outside recognise only {1 - engine.recognise_seconds / whole:.1%})"
        )


def capture_rows(runs: Sequence[EngineRun], capture: Capture) -> None:
    """One capture's lines of the table, printed as soon as it is measured (a long run shows
    its first conditions early): per type, the total, the held-out layouts' total."""
    totals = [Tally() for _ in runs]
    for doc_type in DOC_TYPES:
        tallies = [run.cells.get((capture, doc_type), Tally()) for run in runs]
        for total, tally in zip(totals, tallies, strict=True):
            total.add(tally)
        print(row(f"{capture} {doc_type}", tallies))
    print(row(f"{capture} TOTAL", totals))
    held_out = [Tally() for _ in runs]
    for run, total in zip(runs, held_out, strict=True):
        for (at, layout), tally in run.layouts.items():
            if at == capture and layout in HELD_OUT_LAYOUTS:
                total.add(tally)
    print(row(f"{capture} TOTAL held-out", held_out), flush=True)


def capture_misses(runs: Sequence[EngineRun], capture: Capture) -> None:
    """Every key field missed under one capture, engine by engine."""
    print(f"  key fields missed, {capture} (* held out of tuning):")
    for run in runs:
        for miss in run.misses:
            if miss.scan.capture == capture:
                print(f"    {miss.line(run.engine.name)}")
    print(flush=True)


def summary(runs: Sequence[EngineRun], engines: Sequence[str], captures: Sequence[Capture]) -> None:
    """One line per capture over every document, then the held-out layouts' line apart."""
    print(header(engines).replace("condition / type  ", "summary           "))
    for held_out in (False, True):
        for capture in captures:
            totals = [Tally() for _ in runs]
            for run, total in zip(runs, totals, strict=True):
                for (at, layout), tally in run.layouts.items():
                    if at == capture and (not held_out or layout in HELD_OUT_LAYOUTS):
                        total.add(tally)
            print(row(f"{capture}{' held-out' if held_out else ''}", totals))


def layout_table(
    runs: Sequence[EngineRun], engines: Sequence[str], captures: Sequence[Capture]
) -> None:
    """Per capture: each layout of the types drawn in several, then the tuned and the held-out
    layouts' totals (every single-layout type counts as tuned)."""
    varied = [
        layout
        for doc_type in DOC_TYPES
        if len(LAYOUTS[doc_type]) > 1
        for layout in LAYOUTS[doc_type]
    ]
    print(header(engines).replace("condition / type  ", "condition / layout"))
    for capture in captures:
        groups = {"tuned": [Tally() for _ in runs], "held-out": [Tally() for _ in runs]}
        for run, tuned, held_out in zip(runs, groups["tuned"], groups["held-out"], strict=True):
            for (at, layout), tally in run.layouts.items():
                if at == capture:
                    (held_out if layout in HELD_OUT_LAYOUTS else tuned).add(tally)
        for layout in dict.fromkeys(varied):
            mark = " *" if layout in HELD_OUT_LAYOUTS else ""
            tallies = [run.layouts.get((capture, layout), Tally()) for run in runs]
            print(row(f"{capture} {layout}{mark}", tallies))
        for name, totals in groups.items():
            print(row(f"{capture} TOTAL {name}", totals), flush=True)
    print("(* held out of tuning)")


_worker_engine: OcrEngine | None = None


def _load_engine(name: str, sharing: int) -> None:
    """Pool initializer: this process's own engine, sized as if ``sharing`` readers shared cores."""
    global _worker_engine
    _worker_engine = open_ocr_engine(
        Settings(ocr_engine=name, intake_workers=sharing, _env_file=None)
    )


def _analyse_file(path: Path) -> tuple[float, float]:
    """Analyse one file in a worker process; when it started and ended (monotonic seconds)."""
    started = time.monotonic()
    analyse(
        path,
        media_type=None,
        settings=Settings(intake_workers=1, _env_file=None),
        engine=_worker_engine,
        today=_TODAY,
    )
    return started, time.monotonic()


def throughput(paths: Sequence[Path], engine: str, processes: int, sharing: int) -> float:
    """Documents per minute analysing paths in that many processes, engines loaded first."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_load_engine, initargs=(engine, sharing)) as pool:
        spans = pool.map(_analyse_file, paths, chunksize=1)
    wall = max(end for _, end in spans) - min(start for start, _ in spans)
    return 60 * len(paths) / wall


def workers_check(scans: Sequence[Scan], count: int, engine: str) -> None:
    """Throughput of 1 against 2 worker processes on the same files, per engine sizing."""
    step = max(1, len(scans) // count)
    paths = [scan.path for scan in scans[::step][:count]]
    cores = os.cpu_count() or 1
    print(f"\nthroughput, {engine}, {len(paths)} documents, {cores} cores:")
    best = {1: 0.0, 2: 0.0}
    for sharing in (1, cores):
        rates = {processes: throughput(paths, engine, processes, sharing) for processes in best}
        print(
            f"  engine threads {max(1, cores // sharing)}: 1 process {rates[1]:6.1f} docs/min, "
            f"2 processes {rates[2]:6.1f} docs/min, ratio {rates[2] / rates[1]:.2f}",
            flush=True,
        )
        best = {processes: max(best[processes], rates[processes]) for processes in best}
    print(f"  best 2 processes / best 1 process: {best[2] / best[1]:.2f}")


def choose_captures(conditions: str, levels: str) -> list[Capture]:
    """The comma-separated conditions, then the levels not among them, in their canonical
    order. Raises SystemExit naming the accepted names for a name that is neither."""
    wanted = {name for name in f"{conditions},{levels}".split(",") if name}
    known: list[Capture] = [*CONDITIONS, *(level for level in LEVELS if level not in CONDITIONS)]
    unknown = wanted - set(known)
    if unknown:
        raise SystemExit(
            f"unknown condition or level {', '.join(sorted(unknown))}; conditions: "
            f"{', '.join(CONDITIONS)}; levels: {', '.join(LEVELS)}"
        )
    return [capture for capture in known if capture in wanted]


def main() -> None:
    """Parse the command line, build the corpus, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-cell", type=int, default=6, help="scans per type and condition")
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--conditions", default=",".join(CONDITIONS), help="capture conditions")
    parser.add_argument("--levels", default="", help="synthetic.degrade levels (mild, hard)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--misses", action="store_true", help="list every key field missed, per engine"
    )
    parser.add_argument(
        "--workers-check", type=int, default=24, help="documents for 1 vs 2 processes (0: skip)"
    )
    args = parser.parse_args()
    captures = choose_captures(args.conditions, args.levels)
    engines = args.engines.split(",")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="yekuo-bench-") as tmp:
        scans = build_corpus(captures, args.per_cell, args.seed, Path(tmp))
        layouts = sum(len(LAYOUTS[doc_type]) for doc_type in DOC_TYPES)
        print(
            f"corpus: {len(scans)} scans ({len(DOC_TYPES)} types in {layouts} layouts "
            f"× {', '.join(captures)})"
        )
        accuracy(scans, engines, captures, misses=args.misses)
        if args.workers_check:
            workers_check(scans, args.workers_check, engines[0])
    print(f"\nwall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
