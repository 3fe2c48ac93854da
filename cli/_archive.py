"""``yekuo archive``: archiving a case and re-opening it, transfer packages, their 四性检测,
the stored archive's, retention.

``case CASE_NO [--override REASON]`` archives a case and ``reopen CASE_NO --reason R`` re-opens
one, through the functions the API calls (``archive_case``, ``reopen_case``), as ``cli``;
``export CASE_NO... --out DIR`` writes the transfer package of archived cases and checks it;
``check DIR [--json]`` runs the 四性检测 on a package (``--stored``: on the stored archive, as
the worker does daily, audited); ``due --year Y`` lists the cases due for appraisal. A check
with a failing item exits 6.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive import (
    ArchiveNumberPattern,
    ArchivingContext,
    CheckReport,
    archive_case,
    check_package,
    due_for_appraisal,
    export_package,
    get_case,
    load_rule_book,
    open_database,
    open_object_store,
    reopen_case,
    rule_set_for,
    run_stored_check,
)
from cli._errors import ExitCode
from cli._tokens import CLI_ACTOR
from core import get_settings


@click.group("archive")
def archive_group() -> None:
    """Archive or re-open a case; transfer packages (移交), their 四性检测, appraisal."""


@archive_group.command("case")
@click.argument("case_no")
@click.option("--override", "override_reason", help="archive although the final check fails")
def case_command(case_no: str, override_reason: str | None) -> None:
    """Archive CASE_NO: the final check (or --override with a reason), its 档号, the PDF/A
    copies; exit 4 with what is outstanding when the check fails."""
    settings = get_settings()
    rules = load_rule_book(settings.rules_file)
    with open_database(settings) as database, database.transaction() as session:
        store = open_object_store(settings)
        try:
            case = get_case(session, case_no=case_no, actor=CLI_ACTOR)
            context = ArchivingContext(
                book=rules,
                rule_set=rule_set_for(rules, case),
                store=store,
                pattern=ArchiveNumberPattern.from_settings(settings),
                max_pixels=settings.intake_max_page_pixels,
            )
            result = archive_case(
                session, case, override_reason=override_reason, context=context, actor=CLI_ACTOR
            )
        finally:
            store.close()
    click.echo(f"{case_no}\t{result.archive_no}\t{result.archived_at.isoformat()}")


@archive_group.command("reopen")
@click.argument("case_no")
@click.option("--reason", required=True, help="why the archived case must change (audited)")
def reopen_command(case_no: str, reason: str) -> None:
    """Re-open the archived CASE_NO for a correction; it keeps its 档号."""
    settings = get_settings()
    with open_database(settings) as database, database.transaction() as session:
        case = get_case(session, case_no=case_no, actor=CLI_ACTOR)
        result = reopen_case(
            session, case, reason=reason, book=load_rule_book(settings.rules_file), actor=CLI_ACTOR
        )
    click.echo(f"{result.case_no}\t{result.stage.value}\t{result.archive_no}")


@archive_group.command("export")
@click.argument("case_nos", nargs=-1, required=True, metavar="CASE_NO...")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="a new or empty folder for the package",
)
def export_command(case_nos: tuple[str, ...], out: Path) -> None:
    """Write the transfer package of archived cases into OUT, then check it (exit 6 if it fails)."""
    settings = get_settings()
    rules = load_rule_book(settings.rules_file)
    pattern = ArchiveNumberPattern.from_settings(settings)
    with open_database(settings) as database, database.transaction() as session:
        store = open_object_store(settings)
        try:
            cases = [get_case(session, case_no=case_no, actor=CLI_ACTOR) for case_no in case_nos]
            report = export_package(
                cases, out=out, store=store, book=rules, pattern=pattern, actor=CLI_ACTOR
            )
        finally:
            store.close()
    click.echo(f"wrote {out}: {len(cases)} cases")
    _finish(report, as_json=False)


@archive_group.command("check")
@click.argument(
    "package", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--stored", is_flag=True, help="check the stored archive instead of a package")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def check_command(package: Path | None, stored: bool, as_json: bool) -> None:
    """四性检测 of a transfer package (or, with --stored, of the stored archive, audited as the
    worker's daily run is); exit 6 when an item fails. Items a person must check are ``manual``."""
    if (package is None) == (not stored):
        raise click.UsageError("name a package folder, or give --stored (not both)")
    if package is not None:
        _finish(check_package(package), as_json=as_json)
        return
    settings = get_settings()
    rules = load_rule_book(settings.rules_file)
    with open_database(settings) as database, database.transaction() as session:
        store = open_object_store(settings)
        try:
            report = run_stored_check(
                session,
                store=store,
                pattern=ArchiveNumberPattern.from_settings(settings),
                book=rules,
                actor=CLI_ACTOR,
            )
        finally:
            store.close()
    _finish(report, as_json=as_json)


@archive_group.command("due")
@click.option("--year", required=True, type=click.IntRange(1900, 9999), help="due by this year")
def due_command(year: int) -> None:
    """Archived cases whose 保管期限 ends by YEAR (到期鉴定), one per line."""
    settings = get_settings()
    rules = load_rule_book(settings.rules_file)
    pattern = ArchiveNumberPattern.from_settings(settings)
    with open_database(settings) as database, database.transaction() as session:
        due = due_for_appraisal(session, year=year, book=rules, pattern=pattern, actor=CLI_ACTOR)
    for item in due:
        click.echo(f"{item.archive_no}\t{item.case_no}\t{item.retention.value}\t{item.due_year}")
    click.echo(f"{len(due)} cases due for appraisal by {year}", err=True)


def _finish(report: CheckReport, *, as_json: bool) -> None:
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        for item in report.items:
            click.echo(f"{item.result:6} {item.id} {item.property}: {item.check} — {item.detail}")
        click.echo("passed" if report.passed else "FAILED")
    if not report.passed:
        sys.exit(ExitCode.integrity)
