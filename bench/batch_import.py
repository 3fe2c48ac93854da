"""Batch import: ``yekuo import`` of N generated scans, killed -9 midway and resumed, on K workers.

Renders ``--scans`` different scans (``synthetic``; each file made unique by bytes after its
end marker, so N files are N documents), writes N files and a manifest spreading them over
``--cases`` cases, and starts ``yekuo serve`` with ``--workers`` ``yekuo worker`` processes
(``bench._stack``, embedded or production backends). Then runs ``yekuo import --manifest``,
kills it with SIGKILL once ``--kill-at`` of the files are in its report, and runs it again
with ``--resume``. The workers read the queue meanwhile; the clock stops when every document
is done or failed. Prints the import's files/s (both runs), intake's pages/s in all and per
worker process, and the check: every file is one document, none twice, none lost, and
``yekuo verify`` clean.

    .venv/bin/python -m bench.batch_import [--backends embedded|production] [--count 200]
        [--cases 20] [--workers 2] [--kill-at 0.3] [--scans 12] [--drain 3600]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import func, select

from archive import Document, Role, open_database
from bench._stack import YEKUO, Stack, running_stack
from core import Settings
from synthetic import jpeg_bytes, render

API = "/api/v1"
SCAN_TYPES = ("id_card", "application_form", "supply_contract", "site_survey_record")


@dataclass(frozen=True)
class Outcome:
    """What the run measured."""

    files: int
    first_run: tuple[int, float]
    second_run: tuple[int, float]
    outcomes: dict[str, int]
    intake_seconds: float
    statuses: dict[str, int]
    pages: int
    documents: int
    distinct_files: int
    verify_ok: bool


def _write_files(directory: Path, args: argparse.Namespace) -> Path:
    """The scans and a manifest over ``args.cases`` cases; returns the manifest's path."""
    rng = random.Random(args.seed)
    scans = [
        jpeg_bytes(render(SCAN_TYPES[n % len(SCAN_TYPES)], rng).images[0], quality=80)
        for n in range(args.scans)
    ]
    manifest = directory / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("file", "case_no", "doc_type"))
        for n in range(args.count):
            name = f"scan-{n:05d}.jpg"
            (directory / name).write_bytes(scans[n % len(scans)] + f"batch {n}".encode())
            writer.writerow((name, _case_no(n % args.cases), ""))
    return manifest


def _case_no(n: int) -> str:
    return f"BATCH-{n:04d}"


def _create_cases(stack: Stack, count: int) -> None:
    (admin,) = stack.tokens(Role.admin)
    headers = {"Authorization": f"Bearer {admin}"}
    with httpx.Client(base_url=stack.base + API, headers=headers, timeout=60) as client:
        for n in range(count):
            client.post(
                "/cases",
                json={
                    "case_no": _case_no(n),
                    "category": "residential",
                    "business_type": "new",
                    "capacity_kva": 8,
                    "customer": {"name": "王小明", "id_number": "11010519491231002X"},
                },
            ).raise_for_status()


def _report_rows(report: Path) -> int:
    if not report.exists():
        return 0
    with report.open(encoding="utf-8") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def _import_killed(stack: Stack, manifest: Path, report: Path, kill_after: int) -> float:
    """Run the import until ``kill_after`` files are reported, then SIGKILL it."""
    started = time.monotonic()
    process = subprocess.Popen(
        [YEKUO, "import", "--manifest", str(manifest), "--report", str(report)],
        env=stack.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while process.poll() is None and _report_rows(report) < kill_after:
        time.sleep(0.05)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return time.monotonic() - started


def _outcomes(report: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with report.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
    return counts


def _statuses(settings: Settings) -> dict[str, int]:
    with open_database(settings) as database, database.session() as session:
        rows = session.execute(select(Document.status, func.count()).group_by(Document.status))
        return {str(status): int(count) for status, count in rows.all()}


def _documents(settings: Settings) -> tuple[int, int, int]:
    """Documents, distinct original files among them (by checksum) and pages read."""
    with open_database(settings) as database, database.session() as session:
        count, distinct, pages = session.execute(
            select(
                func.count(Document.id),
                func.count(func.distinct(Document.sha256)),
                func.coalesce(func.sum(Document.pages), 0),
            ).where(Document.parent_id.is_(None))
        ).one()
        return int(count), int(distinct), int(pages or 0)


def run(args: argparse.Namespace, directory: Path) -> Outcome:
    """Write the files, start the stack, import with a kill and a resume, wait for intake."""
    files = directory / "scans"
    files.mkdir()
    manifest = _write_files(files, args)
    report = directory / "import-report.csv"
    with running_stack(args.backends, directory / "data", workers=args.workers) as stack:
        _create_cases(stack, args.cases)
        started = time.monotonic()
        first = _import_killed(stack, manifest, report, round(args.count * args.kill_at))
        first_rows = _report_rows(report)
        resumed = time.monotonic()
        stack.yekuo("import", "--manifest", str(manifest), "--resume", str(report))
        second = time.monotonic() - resumed
        deadline = started + args.drain
        statuses = _statuses(stack.settings)
        while time.monotonic() < deadline and (
            statuses.get("queued") or statuses.get("processing")
        ):
            time.sleep(1)
            statuses = _statuses(stack.settings)
        intake_seconds = time.monotonic() - started
        documents, distinct, pages = _documents(stack.settings)
        verified = stack.yekuo("verify")
    return Outcome(
        files=args.count,
        first_run=(first_rows, first),
        second_run=(_report_rows(report) - first_rows, second),
        outcomes=_outcomes(report),
        intake_seconds=intake_seconds,
        statuses=statuses,
        pages=pages,
        documents=documents,
        distinct_files=distinct,
        verify_ok=verified.returncode == 0,
    )


def print_outcome(outcome: Outcome, args: argparse.Namespace) -> None:
    """The figures of a run."""
    (rows1, s1), (rows2, s2) = outcome.first_run, outcome.second_run
    print(f"{args.backends}: {outcome.files} files over {args.cases} cases, {args.workers} workers")
    print(f"import, killed -9: {rows1} files reported in {s1:.1f} s = {rows1 / s1:.1f} files/s")
    print(f"import --resume:   {rows2} files reported in {s2:.1f} s = {rows2 / s2:.1f} files/s")
    print(f"report outcomes: {outcome.outcomes}; documents now: {outcome.statuses}")
    rate = outcome.pages / outcome.intake_seconds
    print(
        f"intake: {outcome.pages} pages in {outcome.intake_seconds:.0f} s from the first import "
        f"= {rate:.2f} pages/s, {rate / max(args.workers, 1):.2f} per worker process"
    )
    lost = outcome.files - outcome.documents
    twice = outcome.documents - outcome.distinct_files
    print(
        f"files {outcome.files}: documents {outcome.documents}, lost {max(lost, 0)}, "
        f"twice {twice}; yekuo verify {'clean' if outcome.verify_ok else 'FAILED'}"
    )


def parser() -> argparse.ArgumentParser:
    """The command line of the batch-import benchmark."""
    parsing = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parsing.add_argument("--backends", choices=("embedded", "production"), default="embedded")
    parsing.add_argument("--count", type=int, default=200, help="files to import")
    parsing.add_argument("--cases", type=int, default=20)
    parsing.add_argument("--workers", type=int, default=2, help="yekuo worker processes")
    parsing.add_argument("--kill-at", type=float, default=0.3, help="share imported before kill")
    parsing.add_argument("--scans", type=int, default=12, help="different scans rendered")
    parsing.add_argument("--drain", type=float, default=3600, help="seconds to wait for intake")
    parsing.add_argument("--seed", type=int, default=19)
    return parsing


def main() -> None:
    """Run the batch import in a temporary directory and print the figures."""
    args = parser().parse_args()
    with tempfile.TemporaryDirectory(prefix="yekuo-batch-") as directory:
        outcome = run(args, Path(directory))
    print_outcome(outcome, args)
    lost = outcome.documents != outcome.files or outcome.distinct_files != outcome.documents
    if lost or not outcome.verify_ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
