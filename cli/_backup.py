"""``yekuo backup DIR`` and ``yekuo restore DIR``: a whole installation out and back in."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import click

from archive import open_database, open_object_store
from archive.backup import back_up, restore
from core import get_settings


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--copy-objects/--manifest-only",
    default=None,
    help="Copy the originals into DIR (the default for the local store) or list them only "
    "(the default for S3, whose bucket is kept by versioning or replication).",
)
def backup_command(directory: Path, copy_objects: bool | None) -> None:
    """Back up the database, the object store's manifest (and objects) and the audit key to DIR.

    Run it again on the same DIR to finish an interrupted backup or to refresh it: originals
    already copied are not copied again. DIR/SHA256SUMS is written last.
    """
    settings = get_settings()
    copy = settings.object_store == "local" if copy_objects is None else copy_objects
    with open_database(settings) as database, closing(open_object_store(settings)) as store:
        report = back_up(
            database=database,
            store=store,
            audit_key_file=settings.resolved_audit_key_file,
            target=directory,
            copy_objects=copy,
        )
    objects = (
        f"{report.copied} originals copied, {report.already_there} already there"
        if copy
        else "originals listed in manifest.jsonl only (not copied)"
    )
    click.echo(
        f"backup written to {directory}: database, {report.objects} objects ({objects}), "
        f"{report.records} audit checkpoints; {report.files} files in SHA256SUMS"
    )


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(directory: Path) -> None:
    """Restore the backup in DIR into an empty installation (database, objects, audit key).

    The backup's checksums are verified first. Then run `yekuo verify` and `yekuo reindex`.
    """
    settings = get_settings()
    with open_database(settings) as database, closing(open_object_store(settings)) as store:
        report = restore(
            database=database,
            store=store,
            audit_key_file=settings.resolved_audit_key_file,
            source=directory,
        )
    summary = report.summary
    head = summary["audit_head"]
    shown = "none" if not isinstance(head, dict) else f"#{head['id']} {head['hash']}"
    click.echo(
        f"restored from {directory}: {summary['cases']} cases, {summary['documents']} "
        f"documents, {report.objects} objects, {report.records} audit checkpoints; audit head "
        f"{shown}. Next: `yekuo verify`, then `yekuo reindex`"
    )
