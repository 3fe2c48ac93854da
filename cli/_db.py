"""``yekuo db``: database maintenance."""

from __future__ import annotations

import click

from archive import open_database
from core import get_settings


@click.group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command()
def upgrade() -> None:
    """Apply every pending migration."""
    with open_database(get_settings()) as database:
        database.upgrade()
    click.echo("database is up to date")
