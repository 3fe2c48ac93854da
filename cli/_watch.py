"""``yekuo watch DIR``: file what network scanners drop in a folder onto its cases."""

from __future__ import annotations

import signal
import sys
import threading
from collections import Counter
from pathlib import Path
from types import FrameType

import click

from archive import open_database, open_object_store
from cli._errors import ExitCode
from core import get_settings
from worker import BackgroundWatch, IntakeQueue, WatchFolder, WatchResult


@click.command("watch")
@click.argument(
    "folder", type=click.Path(exists=True, file_okay=False, writable=True, path_type=Path)
)
@click.option("--once", is_flag=True, help="file what is there now, then exit (tests, cron)")
@click.option(
    "--settle",
    type=click.FloatRange(min=0.01, max=3600),
    help="seconds a file must stay unchanged to be taken (default YEKUO_WATCH_SETTLE_SECONDS)",
)
def watch_command(folder: Path, once: bool, settle: float | None) -> None:
    """File each scan dropped in FOLDER on its case, by a CASE_NO-… file name or by the cover
    sheet on its first page; filed files move to FOLDER/done, refused ones to FOLDER/failed
    beside NAME.reason.txt. With --once, exits 4 when a file failed and 5 when a backend was
    down (those files stay to be tried again).
    """
    settings = get_settings()
    if settle is not None:
        settings = settings.model_copy(update={"watch_settle_seconds": settle})
    with open_database(settings) as database:
        database.upgrade()
        store = open_object_store(settings)
        queue = IntakeQueue(settings)
        try:
            watched = WatchFolder(
                folder.resolve(), settings=settings, database=database, store=store, queue=queue
            )
            if once:
                results = watched.once()
            else:
                _run_until_signalled(BackgroundWatch(watched), folder)
                return
        finally:
            queue.close()
            store.close()
    for result in results:
        click.echo(_line(result))
    _exit_with(Counter(result.outcome for result in results))


def _line(result: WatchResult) -> str:
    if result.outcome == "failed":
        return f"{result.name}: failed ({result.code}): {result.message}"
    if result.outcome == "retry":
        return f"{result.name}: back in the folder to be tried again: {result.message}"
    return (
        f"{result.name}: {result.outcome} on case {result.case_no} "
        f"(by {result.routed_by}), document {result.document_id}"
    )


def _exit_with(counts: Counter[str]) -> None:
    outcomes = ("stored", "duplicate", "failed", "retry")
    summary = ", ".join(f"{counts[outcome]} {outcome}" for outcome in outcomes)
    click.echo(f"{counts.total()} files: {summary}", err=True)
    if counts["retry"]:
        sys.exit(ExitCode.unavailable)
    if counts["failed"]:
        sys.exit(ExitCode.conflict)


def _run_until_signalled(watch: BackgroundWatch, folder: Path) -> None:
    """Watch until SIGTERM or Ctrl-C, then stop after the file being filed."""
    stopping = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        watch.start()
        click.echo(f"watching {folder}; stop with Ctrl-C", err=True)
        while not stopping.wait(0.5):
            pass
        watch.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
