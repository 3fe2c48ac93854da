"""``yekuo duty``: who holds which post (岗位) in a unit, the person stages are assigned to."""

from __future__ import annotations

import click

from archive import assign_post, load_rule_book, open_database, unit_posts
from cli._tokens import CLI_ACTOR
from core import get_settings


@click.group("duty")
def duty_group() -> None:
    """Posts of the rule file (duties: which post answers for each stage) and their holders."""


@duty_group.command("assign")
@click.argument("unit")
@click.argument("post")
@click.argument("username")
def duty_assign(unit: str, post: str, username: str) -> None:
    """Make USERNAME the holder of POST in UNIT (e.g. GDS01 account_manager wang.xm)."""
    settings = get_settings()
    book = load_rule_book(settings.rules_file)
    with open_database(settings) as database:
        database.upgrade()
        with database.transaction() as session:
            held = assign_post(
                session, unit=unit, post=post, username=username, book=book, actor=CLI_ACTOR
            )
            click.echo(f"{held.unit} {held.post} ({book.post_label(held.post)}): {username}")


@duty_group.command("list")
def duty_list() -> None:
    """Who holds which post, by unit."""
    settings = get_settings()
    book = load_rule_book(settings.rules_file)
    with open_database(settings) as database:
        database.upgrade()
        with database.transaction() as session:
            for held in unit_posts(session, actor=CLI_ACTOR):
                click.echo(
                    f"{held.unit}\t{held.post}\t{book.post_label(held.post)}\t"
                    f"{held.username}\t{held.display_name}"
                )
