"""``yekuo import``: many scans from disk onto their cases, checked exactly like uploads."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import click

from archive import (
    SYSTEM,
    ImportItem,
    ImportReport,
    ImportResult,
    expand,
    import_files,
    not_yet_imported,
    open_database,
    open_object_store,
    parse_doc_type,
    read_manifest,
)
from cli._errors import ExitCode
from core import get_settings
from worker import IntakeQueue


@click.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--case-no", help="the case every file belongs to (or use --manifest)")
@click.option("--doc-type", help="a document type hint for every file")
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a CSV with the columns file, case_no and optional doc_type",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of every file's outcome (default yekuo-import-<time>.csv here)",
)
@click.option(
    "--resume",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="the report of an interrupted run: skip what it stored and append to it",
)
@click.option("--json", "as_json", is_flag=True, help="one JSON object per file on stdout")
def import_command(
    paths: tuple[Path, ...],
    case_no: str | None,
    doc_type: str | None,
    manifest: Path | None,
    report: Path | None,
    resume: Path | None,
    as_json: bool,
) -> None:
    """Store scans from disk on their cases and queue them for intake.

    Files are checked exactly as uploads are (type, size, duplicates); a refused file is
    reported and the others go on. Every outcome goes to a CSV report as it happens, so an
    interrupted import is resumed with ``--resume REPORT``. Exits 1 when any file was refused.
    """
    settings = get_settings()
    items = _items(paths, case_no, doc_type, manifest)
    if resume is not None:
        if report is not None and report != resume:
            raise click.UsageError("--resume appends to its own report; drop --report")
        skipped = len(items)
        items = not_yet_imported(items, ImportReport.imported(resume))
        skipped -= len(items)
        click.echo(f"resuming: {skipped} files already imported are skipped", err=True)
        report = resume
    report = report or Path(f"yekuo-import-{dt.datetime.now():%Y%m%d-%H%M%S}.csv")
    counts = {"stored": 0, "duplicate": 0, "refused": 0}
    started = time.monotonic()
    with open_database(settings) as database:
        database.upgrade()
        store = open_object_store(settings)
        log = ImportReport(report)
        queue = IntakeQueue(settings)
        try:
            results = import_files(
                items,
                database=database,
                store=store,
                tmp_dir=settings.resolved_tmp_dir,
                max_bytes=settings.max_upload_bytes,
                actor=SYSTEM,
            )
            with click.progressbar(
                results,
                length=len(items),
                label="importing",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda _: _rate(sum(counts.values()), started),
            ) as progress:
                for result in progress:
                    counts[result.outcome] += 1
                    log.write(result)
                    if result.outcome == "stored" and result.document_id:
                        queue.enqueue(result.document_id)
                    if as_json:
                        click.echo(json.dumps(_json(result), ensure_ascii=False))
        finally:
            queue.close()
            log.close()
            store.close()
    summary = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
    click.echo(f"{len(items)} files: {summary}; report {report}", err=as_json)
    if counts["refused"]:
        click.echo(f"refused files and the reasons are in {report}", err=True)
        sys.exit(ExitCode.conflict)


def _items(
    paths: tuple[Path, ...], case_no: str | None, doc_type: str | None, manifest: Path | None
) -> list[ImportItem]:
    if manifest is not None:
        if paths or case_no:
            raise click.UsageError("give either --manifest or PATHS with --case-no")
        return read_manifest(manifest)
    if not paths or not case_no:
        raise click.UsageError("give PATHS and --case-no, or --manifest")
    hint = parse_doc_type(doc_type, where="--doc-type")
    return [ImportItem(path=p, case_no=case_no, doc_type=hint) for p in expand(paths)]


def _rate(done: int, started: float) -> str:
    elapsed = time.monotonic() - started
    return f"{done / elapsed:.1f} files/s" if elapsed > 0 and done else ""


def _json(result: ImportResult) -> dict[str, str | None]:
    return {
        "file": str(result.path),
        "case_no": result.case_no,
        "outcome": result.outcome,
        "document_id": result.document_id,
        "message": result.message,
    }
