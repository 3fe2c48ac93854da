"""``yekuo report``: ``consistency`` (paper against system, as JSON, CSV or XLSX) and
``timeliness`` (考核, ``cli/_timeliness.py``)."""

from __future__ import annotations

from pathlib import Path

import click

from archive import (
    CONSISTENCY_KINDS,
    SYSTEM,
    Stage,
    consistency_csv,
    consistency_report,
    consistency_xlsx,
    load_rule_book,
    open_database,
    today_in_china,
)
from cli._timeliness import timeliness_command
from core import get_settings


@click.group("report")
def report_group() -> None:
    """Reports across the cases of a unit."""


report_group.add_command(timeliness_command)


@report_group.command("consistency")
@click.option("--unit", help="a unit code: it and the units under it (default: every unit)")
@click.option("--stage", type=click.Choice([s.value for s in Stage]), help="only this stage")
@click.option("--kind", type=click.Choice(CONSISTENCY_KINDS), help="only this kind")
@click.option(
    "--format",
    "table_format",
    type=click.Choice(["json", "csv", "xlsx"]),
    default="json",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="write to this file (an XLSX needs one; default: standard output)",
)
def consistency_command(
    unit: str | None, stage: str | None, kind: str | None, table_format: str, out: Path | None
) -> None:
    """Per case: fields where paper and system disagree (document, page), missing documents,
    documents still unread; with the counts by kind. Citizen ID numbers are in full."""
    if table_format == "xlsx" and out is None:
        raise click.UsageError("an XLSX workbook is written to a file: add --out FILE.xlsx")
    settings = get_settings()
    rules = load_rule_book(settings.rules_file)
    chosen = next((k for k in CONSISTENCY_KINDS if k == kind), None)
    with open_database(settings) as database, database.transaction() as session:
        report = consistency_report(
            session,
            actor=SYSTEM,
            rules=rules,
            unit=unit,
            stage=Stage(stage) if stage else None,
            kind=chosen,
            today=today_in_china(),
        )
    if table_format == "json":
        content = (report.model_dump_json(indent=2) + "\n").encode()
    elif table_format == "csv":
        content = consistency_csv(report, mask=False)
    else:
        content = consistency_xlsx(report, mask=False)
    if out is None:
        click.echo(content, nl=False)
    else:
        out.write_bytes(content)
        click.echo(
            f"{out}: {report.counts.cases} case(s), {report.counts.mismatch} mismatch(es), "
            f"{report.counts.missing} missing, {report.counts.unread} unread",
            err=True,
        )
