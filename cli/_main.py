"""The ``yekuo`` command group: every command, one module per command group."""

from __future__ import annotations

import click

from cli._archive import archive_group
from cli._backup import backup_command, restore_command
from cli._case_import import case_import_command
from cli._cases import cases_command
from cli._check import check_command
from cli._db import db_group
from cli._duties import duty_group
from cli._errors import YekuoGroup
from cli._import import import_command
from cli._inspect import inspect_command
from cli._intake import release_command, retry_command, worker_command
from cli._report import report_group
from cli._search import reindex_command, search_command
from cli._serve import serve_command
from cli._tokens import token_group
from cli._trash import trash_group
from cli._units import unit_group
from cli._users import user_group
from cli._verify import verify_command
from cli._watch import watch_command
from cli._webhooks import webhooks_group


@click.group(cls=YekuoGroup)
def main() -> None:
    """yekuo: the 业扩报装 document and archive system."""


for _command in (
    serve_command,
    worker_command,
    db_group,
    token_group,
    user_group,
    unit_group,
    import_command,
    retry_command,
    release_command,
    inspect_command,
    check_command,
    cases_command,
    search_command,
    reindex_command,
    verify_command,
    watch_command,
    backup_command,
    restore_command,
    archive_group,
    report_group,
    trash_group,
    duty_group,
    webhooks_group,
):
    main.add_command(_command)
cases_command.add_command(case_import_command)
