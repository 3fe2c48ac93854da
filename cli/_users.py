"""``yekuo user``: the people who sign in, created and managed on the server's command line."""

from __future__ import annotations

import sys

import click

from archive import Role, create_user, list_users, open_database, reset_password, set_active
from cli._tokens import CLI_ACTOR
from core import get_settings


@click.group("user")
def user_group() -> None:
    """User accounts (the first admin: yekuo user create admin --role admin --password-stdin)."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--unit", default=None, help="the code of the user's unit (default: the top unit)")
@click.option("--display-name", default="", help="the person's name, e.g. 王小明")
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="read the password from the first line of standard input (never from the command line)",
)
def user_create(
    username: str, role: str, unit: str | None, display_name: str, password_stdin: bool
) -> None:
    """Create a user whose password (read from stdin) is their own, usable at once."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else ""
    with open_database(get_settings()) as database:
        database.upgrade()
        with database.transaction() as session:
            user = create_user(
                session,
                username=username,
                password=password,
                role=Role(role),
                unit=unit,
                display_name=display_name,
                actor=CLI_ACTOR,
            )
            click.echo(f"created {user.username} ({user.role})")


@user_group.command("list")
def user_list() -> None:
    """Every user: name, display name, role, unit, state (a directory user's says so)."""
    with open_database(get_settings()) as database, database.transaction() as session:
        for user in list_users(session):
            state = "active" if user.active else "disabled"
            if user.must_change_password:
                state += ", must change password"
            if user.source == "ldap":
                state += ", directory (ldap)"
            click.echo(
                f"{user.username}\t{user.display_name}\t{user.role}\t{user.unit or '-'}\t{state}"
            )


@user_group.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Disable a user: their sign-ins and tokens stop working at once."""
    with open_database(get_settings()) as database, database.transaction() as session:
        set_active(session, username=username, active=False, actor=CLI_ACTOR)
    click.echo(f"disabled {username}")


@user_group.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    """Enable a disabled user again (a lock-out ends too)."""
    with open_database(get_settings()) as database, database.transaction() as session:
        set_active(session, username=username, active=True, actor=CLI_ACTOR)
    click.echo(f"enabled {username}")


@user_group.command("reset-password")
@click.argument("username")
def user_reset_password(username: str) -> None:
    """Print a temporary password, which the user must change at the next sign-in."""
    with open_database(get_settings()) as database, database.transaction() as session:
        click.echo(reset_password(session, username=username, actor=CLI_ACTOR))
