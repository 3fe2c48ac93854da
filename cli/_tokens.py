"""``yekuo token``: API tokens for machines and scripts."""

from __future__ import annotations

import click

from archive import Actor, Role, create_token, get_user, open_database
from core import get_settings

CLI_ACTOR = Actor(name="cli", role=Role.admin)
"""Who the audit trail names for what is done on the server's command line."""


@click.group("token")
def token_group() -> None:
    """API tokens."""


@token_group.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", required=True, help="who or what holds the token")
@click.option("--owner", default=None, help="the user name of the person answerable for it")
@click.option(
    "--unit", default=None, help="the code of the unit whose cases it sees (default: the top unit)"
)
def token_create(role: str, name: str, owner: str | None, unit: str | None) -> None:
    """Print a new API token (only its hash is stored)."""
    with open_database(get_settings()) as database:
        database.upgrade()
        with database.transaction() as session:
            user = get_user(session, owner) if owner else None
            _row, secret = create_token(
                session, name=name, role=Role(role), actor=CLI_ACTOR, owner=user, unit=unit
            )
    click.echo(secret)
