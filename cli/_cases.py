"""``yekuo cases [--overdue] [--json]``: cases with the time limit of their stage; its
subcommands (``yekuo cases import``) are registered by ``cli._main``."""

from __future__ import annotations

import click

from archive import (
    SYSTEM,
    CaseList,
    Category,
    Stage,
    list_cases,
    load_rule_book,
    open_database,
    today_in_china,
)
from cli._check import render_due
from core import get_settings


@click.group("cases", invoke_without_command=True)
@click.option("--overdue", is_flag=True, help="only cases past their stage's time limit")
@click.option("--stage", type=click.Choice([s.value for s in Stage]), help="only this stage")
@click.option("--category", type=click.Choice([c.value for c in Category]))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500))
@click.option("--json", "as_json", is_flag=True, help="print the list as JSON")
@click.pass_context
def cases_command(
    ctx: click.Context,
    overdue: bool,
    stage: str | None,
    category: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List cases, most recently changed first (overdue: most working days over first)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = get_settings()
    rules = load_rule_book(settings.rules_file)
    with open_database(settings) as database, database.transaction() as session:
        found = list_cases(
            session,
            actor=SYSTEM,
            stage=Stage(stage) if stage else None,
            category=category,
            rules=rules,
            overdue=overdue,
            today=today_in_china(),
            limit=limit,
        )
    click.echo(found.model_dump_json(indent=2) if as_json else render_cases(found))


def render_cases(found: CaseList) -> str:
    """One line per case, then its time limit; the total first."""
    lines = [f"{found.total} case(s)" + (f", {len(found.cases)} shown" if found.cases else "")]
    for case in found.cases:
        lines.append(
            f"{case.case_no}  {case.stage.value}  {case.category.value}/"
            f"{case.business_type.value}  {case.customer_name}"
        )
        if case.due is not None:
            lines.append(render_due(case.due))
    return "\n".join(lines)
