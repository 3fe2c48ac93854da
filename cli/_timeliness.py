"""``yekuo report timeliness``: the 考核 report on the command line, as JSON or XLSX."""

from __future__ import annotations

from pathlib import Path

import click

from archive import load_rule_book, open_database, timeliness_report, timeliness_workbook
from cli._tokens import CLI_ACTOR
from core import get_settings


@click.command("timeliness")
@click.option("--month", default=None, help="YYYY-MM (default: this month, China time)")
@click.option("--unit", default=None, help="a unit and those under it (default: all)")
@click.option("--format", "form", type=click.Choice(["json", "xlsx"]), default="json")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="write here (required for xlsx; json goes to standard output without it)",
)
def timeliness_command(month: str | None, unit: str | None, form: str, out: Path | None) -> None:
    """考核: stages left on time and late in the month, per person and unit, the late steps."""
    if form == "xlsx" and out is None:
        raise click.UsageError("--format xlsx needs --out FILE.xlsx")
    settings = get_settings()
    book = load_rule_book(settings.rules_file)
    with open_database(settings) as database, database.transaction() as session:
        report = timeliness_report(session, month=month, unit=unit, actor=CLI_ACTOR)
    if form == "xlsx" and out is not None:
        out.write_bytes(timeliness_workbook(report, book=book))
        click.echo(f"wrote {out}: {report.on_time} on time, {report.late} late in {report.month}")
    elif out is not None:
        out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    else:
        click.echo(report.model_dump_json(indent=2))
