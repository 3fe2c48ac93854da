"""``yekuo cases import FILE``: case records from an export of the marketing system."""

from __future__ import annotations

from pathlib import Path

import click

from archive import (
    SYSTEM,
    CaseImportReport,
    import_case_records,
    load_rule_book,
    open_database,
    today_in_china,
)
from cli._errors import ExitCode
from core import get_settings


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", help="unit code for rows with an empty 供电单位 (default: the top unit)")
@click.option("--dry-run", is_flag=True, help="check every row and report, write nothing")
@click.option(
    "--skip-bad", is_flag=True, help="write the good rows even when some are bad (reported)"
)
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def case_import_command(
    file: Path, unit: str | None, dry_run: bool, skip_bad: bool, as_json: bool
) -> None:
    """Create or update cases from a CSV (UTF-8 or GB18030) or XLSX export with Chinese
    headers (申请编号, 户名, 证件号码, …; see README). If any row is bad nothing is written,
    unless --skip-bad; exits 4 when a row was refused."""
    settings = get_settings()
    rules = load_rule_book(settings.rules_file)
    with open_database(settings) as database, database.transaction() as session:
        report = import_case_records(
            session,
            filename=file.name,
            content=file.read_bytes(),
            actor=SYSTEM,
            rules=rules,
            today=today_in_china(),
            default_unit=unit,
            may_move=True,
            dry_run=dry_run,
            skip_bad=skip_bad,
        )
    click.echo(report.model_dump_json(indent=2) if as_json else render_report(report))
    if report.refused:
        raise SystemExit(ExitCode.conflict)


def render_report(report: CaseImportReport) -> str:
    """The summary line, then one line per refused or noted row."""
    if report.dry_run:
        outcome = "dry run, nothing written"
    elif report.written:
        outcome = "written"
    else:
        outcome = "nothing written: fix the refused rows (or use --skip-bad)"
    lines = [
        f"{report.file}: {report.rows} row(s): {report.created} created, {report.updated} "
        f"updated, {report.unchanged} unchanged, {report.refused} refused; {outcome}"
    ]
    lines += [f"row {p.row} ({p.case_no or '-'}): refused: {p.reason}" for p in report.problems]
    lines += [f"row {n.row} ({n.case_no or '-'}): note: {n.reason}" for n in report.notes]
    return "\n".join(lines)
