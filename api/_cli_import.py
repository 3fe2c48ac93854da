"""``yekuo import``: many scans from disk onto their cases, checked exactly like uploads."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive import (
    SYSTEM,
    ImportItem,
    expand,
    import_files,
    open_database,
    open_object_store,
    parse_doc_type,
    read_manifest,
)
from core import YekuoError, get_settings


@click.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--case-no", help="the case every file belongs to (or use --manifest)")
@click.option("--doc-type", help="a document type hint for every file")
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a CSV with the columns file, case_no and optional doc_type",
)
@click.option("--json", "as_json", is_flag=True, help="one JSON object per file")
def import_command(
    paths: tuple[Path, ...],
    case_no: str | None,
    doc_type: str | None,
    manifest: Path | None,
    as_json: bool,
) -> None:
    """Store scans from disk on their cases and queue them for intake.

    Files are checked exactly as uploads are (type, size, duplicates); a refused file is
    reported and the others go on. Exits 1 when any file was refused.
    """
    settings = get_settings()
    try:
        if manifest is not None:
            if paths or case_no:
                raise click.UsageError("give either --manifest or PATHS with --case-no")
            items = read_manifest(manifest)
        else:
            if not paths or not case_no:
                raise click.UsageError("give PATHS and --case-no, or --manifest")
            hint = parse_doc_type(doc_type, where="--doc-type")
            items = [ImportItem(path=p, case_no=case_no, doc_type=hint) for p in expand(paths)]
    except YekuoError as error:
        raise click.ClickException(error.message) from error
    counts = {"stored": 0, "duplicate": 0, "refused": 0}
    with open_database(settings) as database:
        database.upgrade()
        store = open_object_store(settings)
        try:
            for result in import_files(
                items,
                database=database,
                store=store,
                tmp_dir=settings.resolved_tmp_dir,
                max_bytes=settings.max_upload_bytes,
                actor=SYSTEM,
            ):
                counts[result.outcome] += 1
                if as_json:
                    click.echo(
                        json.dumps(
                            {
                                "file": str(result.path),
                                "case_no": result.case_no,
                                "outcome": result.outcome,
                                "document_id": result.document_id,
                                "message": result.message,
                            },
                            ensure_ascii=False,
                        )
                    )
                elif result.outcome == "refused":
                    click.echo(f"REFUSED {result.path}: {result.message}", err=True)
        finally:
            store.close()
    summary = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
    click.echo(f"{len(items)} files: {summary}", err=as_json)
    if counts["refused"]:
        sys.exit(1)
