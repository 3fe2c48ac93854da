"""Load: archivists uploading scans and auditors searching at once, for a bounded time.

Starts ``yekuo serve`` and ``--workers`` ``yekuo worker`` processes (``bench._stack``) on the
embedded backends or on the production servers of ``scripts/services.sh env``, each run in a
database, bucket and index of its own. ``--archivists`` threads each upload generated scans
(``synthetic``: a few pages rendered before the clock starts, each upload made unique) into a
case of their own; ``--auditors`` threads search names, phrases and identifiers of those
documents. After ``--seconds`` the clients stop; the workers get ``--drain`` more seconds to
finish the queue. Then the run is checked: every accepted upload is in the database exactly
once, nothing else is, and ``yekuo verify`` finds every original intact.

    .venv/bin/python -m bench.load [--backends embedded|production] [--seconds 60]
        [--archivists 4] [--auditors 4] [--workers 2] [--drain 60]
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import func, select

from archive import Document, Role, open_database
from bench._stack import Stack, running_stack
from core import Settings
from synthetic import jpeg_bytes, render

API = "/api/v1"
SCAN_TYPES = ("id_card", "application_form", "supply_contract", "site_survey_record")
PHRASES = ("供电", "用电申请", "合同", "现场勘查", "身份证")


@dataclass
class Tally:
    """What the clients did: latencies in seconds by action, errors by action and status."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: {"upload": [], "search": []})
    errors: Counter[str] = field(default_factory=Counter)
    accepted: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, started: float, response: httpx.Response | None) -> bool:
        """Note one request; return whether it succeeded."""
        elapsed = time.perf_counter() - started
        ok = response is not None and response.status_code in (200, 202)
        with self.lock:
            if ok:
                self.seconds[action].append(elapsed)
            else:
                status = "no answer" if response is None else str(response.status_code)
                self.errors[f"{action} {status}"] += 1
        return ok


@dataclass(frozen=True)
class Report:
    """The outcome of a run."""

    tally: Tally
    seconds: float
    workers: int
    finished_in_run: int
    statuses: dict[str, int]
    lost: int
    unexpected: int
    duplicates: int
    verify_ok: bool
    verify_output: str


def _scans(count: int, seed: int) -> tuple[list[bytes], list[str]]:
    """``count`` rendered scans as JPEG and search terms taken from their fields."""
    rng = random.Random(seed)
    scans: list[bytes] = []
    terms: list[str] = list(PHRASES)
    for n in range(count):
        doc = render(SCAN_TYPES[n % len(SCAN_TYPES)], rng)
        scans.append(jpeg_bytes(doc.images[0], quality=80))
        terms += [v for k, v in doc.fields.items() if k in ("name", "customer_name", "id_number")]
    return scans, terms


def _unique(scan: bytes, mark: str) -> bytes:
    """The scan with bytes after its end marker: another file (another checksum), same image."""
    return scan + f"yekuo-load {mark}".encode()


def _archivist(
    stack: Stack, token: str, case_no: str, scans: list[bytes], tally: Tally, until: float
) -> None:
    numbers = itertools.count()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=stack.base + API, headers=headers, timeout=60) as client:
        while time.monotonic() < until:
            number = next(numbers)
            content = _unique(scans[number % len(scans)], f"{case_no} {number}")
            started = time.perf_counter()
            try:
                response: httpx.Response | None = client.post(
                    f"/cases/{case_no}/documents", files={"file": (f"scan{number}.jpg", content)}
                )
            except httpx.HTTPError:
                response = None
            accepted = tally.record("upload", started, response)
            if accepted and response is not None and response.status_code == 202:
                with tally.lock:
                    tally.accepted.append(response.json()["document_id"])


def _auditor(stack: Stack, token: str, terms: list[str], tally: Tally, until: float) -> None:
    rng = random.Random(token)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=stack.base + API, headers=headers, timeout=60) as client:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                response: httpx.Response | None = client.get(
                    "/search", params={"q": rng.choice(terms)}
                )
            except httpx.HTTPError:
                response = None
            tally.record("search", started, response)


def _cases(stack: Stack, token: str, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    numbers = [f"LOAD-{n:03d}" for n in range(count)]
    with httpx.Client(base_url=stack.base + API, headers=headers, timeout=60) as client:
        for case_no in numbers:
            client.post(
                "/cases",
                json={
                    "case_no": case_no,
                    "category": "residential",
                    "business_type": "new",
                    "capacity_kva": 8,
                    "customer": {"name": "王小明", "id_number": "11010519491231002X"},
                },
            ).raise_for_status()
    return numbers


def _statuses(settings: Settings) -> dict[str, int]:
    with open_database(settings) as database, database.session() as session:
        rows = session.execute(select(Document.status, func.count()).group_by(Document.status))
        return {str(status): int(count) for status, count in rows.all()}


def _document_ids(settings: Settings) -> list[str]:
    with open_database(settings) as database, database.session() as session:
        return list(session.scalars(select(Document.id)))


def _drain(settings: Settings, seconds: float) -> None:
    """Wait up to ``seconds`` for the queue to empty."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        statuses = _statuses(settings)
        if not statuses.get("queued") and not statuses.get("processing"):
            return
        time.sleep(1)


def _clients(
    stack: Stack, args: argparse.Namespace, scans: list[bytes], terms: list[str], tally: Tally
) -> list[threading.Thread]:
    archivist, auditor, admin = stack.tokens(Role.archivist, Role.auditor, Role.admin)
    cases = _cases(stack, admin, args.archivists)
    until = time.monotonic() + args.seconds
    jobs: list[Callable[[], None]] = [
        partial(_archivist, stack, archivist, case_no, scans, tally, until) for case_no in cases
    ]
    jobs += [partial(_auditor, stack, auditor, terms, tally, until)] * args.auditors
    return [threading.Thread(target=job) for job in jobs]


def run(args: argparse.Namespace, data_dir: Path) -> Report:
    """Start the stack, run the clients for ``args.seconds``, drain, and check the result."""
    scans, terms = _scans(args.scans, seed=args.seed)
    tally = Tally()
    with running_stack(args.backends, data_dir, workers=args.workers) as stack:
        settings = stack.settings
        threads = _clients(stack, args, scans, terms, tally)
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        in_run = _statuses(settings)
        _drain(settings, args.drain)
        statuses = _statuses(settings)
        stored = _document_ids(settings)
        verified = stack.yekuo("verify")
    accepted = set(tally.accepted)
    return Report(
        tally=tally,
        seconds=seconds,
        workers=args.workers,
        finished_in_run=in_run.get("done", 0) + in_run.get("failed", 0),
        statuses=statuses,
        lost=len(accepted - set(stored)),
        unexpected=len(set(stored) - accepted),
        duplicates=len(stored) - len(set(stored)) + len(tally.accepted) - len(accepted),
        verify_ok=verified.returncode == 0,
        verify_output=(verified.stdout + verified.stderr).strip(),
    )


def _ms(values: list[float], fraction: float) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] * 1000:.0f}"


def print_report(report: Report, args: argparse.Namespace) -> None:
    """The tables of a run."""
    print(
        f"{args.backends}: {args.archivists} archivists, {args.auditors} auditors, "
        f"{report.workers} worker processes, {report.seconds:.0f} s"
    )
    print(f"{'action':<8}{'count':>7}{'per s':>7}{'p50 ms':>8}{'p95 ms':>8}{'mean ms':>9}")
    for action, values in report.tally.seconds.items():
        mean = f"{statistics.mean(values) * 1000:.0f}" if values else "—"
        print(
            f"{action:<8}{len(values):>7}{len(values) / report.seconds:>7.1f}"
            f"{_ms(values, 0.5):>8}{_ms(values, 0.95):>8}{mean:>9}"
        )
    errors = ", ".join(f"{k}: {v}" for k, v in report.tally.errors.items()) or "none"
    print(f"errors: {errors}")
    per_worker = report.finished_in_run / report.seconds / max(report.workers, 1) * 60
    print(
        f"intake: {report.finished_in_run} documents finished during the run = "
        f"{per_worker:.1f} per worker process per minute; after the drain: {report.statuses}"
    )
    print(
        f"accepted {len(report.tally.accepted)}: lost {report.lost}, "
        f"unexpected {report.unexpected}, duplicated {report.duplicates}; "
        f"yekuo verify {'clean' if report.verify_ok else 'FAILED: ' + report.verify_output}"
    )


def parser() -> argparse.ArgumentParser:
    """The command line of the load script."""
    parsing = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parsing.add_argument("--backends", choices=("embedded", "production"), default="embedded")
    parsing.add_argument("--seconds", type=float, default=60)
    parsing.add_argument("--archivists", type=int, default=4)
    parsing.add_argument("--auditors", type=int, default=4)
    parsing.add_argument("--workers", type=int, default=2, help="yekuo worker processes")
    parsing.add_argument("--drain", type=float, default=60, help="seconds to finish the queue")
    parsing.add_argument("--scans", type=int, default=8, help="different scans rendered")
    parsing.add_argument("--seed", type=int, default=18)
    return parsing


def main() -> None:
    """Run the load in a temporary data directory and print the figures."""
    args = parser().parse_args()
    with tempfile.TemporaryDirectory(prefix="yekuo-load-") as directory:
        report = run(args, Path(directory))
        print_report(report, args)
    if report.lost or report.unexpected or report.duplicates or not report.verify_ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
