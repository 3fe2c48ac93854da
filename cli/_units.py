"""``yekuo unit``: the organisation tree (市公司 → 县公司 → 供电所) cases and people belong to."""

from __future__ import annotations

import click

from archive import create_unit, open_database, unit_tree
from cli._tokens import CLI_ACTOR
from core import get_settings


@click.group("unit")
def unit_group() -> None:
    """Units of the organisation (the top unit is YEKUO_TOP_UNIT, created with the database)."""


@unit_group.command("create")
@click.argument("code")
@click.option("--name", required=True, help="the unit's name, e.g. 城关供电所")
@click.option("--parent", default=None, help="the code of the unit above it (default: the top)")
def unit_create(code: str, name: str, parent: str | None) -> None:
    """Create a unit under an existing one."""
    with open_database(get_settings()) as database:
        database.upgrade()
        with database.transaction() as session:
            unit = create_unit(session, code=code, name=name, parent=parent, actor=CLI_ACTOR)
            click.echo(f"created {unit.code} ({unit.name}) under {unit.parent_code}")


@unit_group.command("list")
def unit_list() -> None:
    """Every unit as a tree: its code and name, indented under the unit above it."""
    with open_database(get_settings()) as database:
        database.upgrade()
        with database.transaction() as session:
            for depth, unit in unit_tree(session).in_order():
                click.echo(f"{'  ' * depth}{unit.code}\t{unit.name}")
