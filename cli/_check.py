"""``yekuo check CASE --stage S [--json]``: is a case complete for a stage, and what is wrong."""

from __future__ import annotations

import sys

import click

from archive import (
    STAGE_LABELS_ZH,
    SYSTEM,
    CaseCheck,
    Stage,
    StageDuePublic,
    check_case,
    current_due,
    get_case,
    load_rule_book,
    open_database,
    rule_set_for,
    today_in_china,
)
from cli._errors import ExitCode
from core import get_settings


@click.command("check")
@click.argument("case_no")
@click.option(
    "--stage",
    type=click.Choice([s.value for s in Stage]),
    help="the stage to check (default: the case's current stage)",
)
@click.option("--json", "as_json", is_flag=True, help="print the check as JSON")
def check_command(case_no: str, stage: str | None, as_json: bool) -> None:
    """Check a case's documents and findings for a stage; exit 4 unless ready to advance.

    Checking the case's current stage also prints its time limit.
    """
    settings = get_settings()
    rules = load_rule_book(settings.rules_file)
    with open_database(settings) as database, database.transaction() as session:
        case = get_case(session, case_no=case_no, actor=SYSTEM)
        rule_set = rule_set_for(rules, case)
        checked = Stage(stage or case.stage)
        result = check_case(session, case, checked, rule_set=rule_set)
        due = (
            current_due(case, rule_set=rule_set, today=today_in_china())
            if checked == case.stage
            else None
        )
    click.echo(result.model_dump_json(indent=2) if as_json else render_check(result, due=due))
    if not result.ready:
        sys.exit(ExitCode.conflict)


def render_check(check: CaseCheck, *, due: StageDuePublic | None = None) -> str:
    """The check as text a reviewer reads in a terminal, with the stage's time limit if given."""
    verdict = "ready" if check.ready else "complete" if check.complete else "incomplete"
    lines = [
        f"case {check.case_no}, stage {check.stage.value} ({STAGE_LABELS_ZH[check.stage]}), "
        f"rules {check.rules_version}: {verdict}"
    ]
    if due is not None:
        lines.append(render_due(due))
    for rule in check.satisfied:
        lines.append(f"  ok       {rule.rule}: {rule.label_zh} ({', '.join(rule.document_ids)})")
    for missing in check.missing:
        lines.append(
            f"  MISSING  {missing.rule}: {missing.label_zh} "
            f"[{' | '.join(missing.alternatives)}] {missing.found}/{missing.count}"
        )
    for document in check.not_counting:
        lines.append(f"  ignored  {document.document_id}: {document.reason}")
    for finding in check.findings:
        lines.append(
            f"  {finding.severity.value.upper():<8} {finding.code} "
            f"{finding.document_id or 'case'} [{finding.status}]: {finding.message}"
        )
    return "\n".join(lines)


def render_due(due: StageDuePublic) -> str:
    """One line: the due date of a stage and the working days left or over (and why estimated)."""
    standing = (
        f"{due.days_over} working day(s) over"
        if due.overdue
        else f"{due.days_left} working day(s) left"
    )
    line = (
        f"  {'OVERDUE' if due.overdue else 'due':<8} {due.due_on.isoformat()}: {standing} "
        f"({due.time_limit_days} working days from {due.entered_on.isoformat()})"
    )
    return f"{line} {due.note}" if due.note else line
