"""The organisation tree as read from the database: who is under whom, paths, subtrees."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.db._models import Unit


@dataclass(frozen=True)
class UnitTree:
    """Every unit and who is under whom, read once per request (the tree is small)."""

    units: dict[str, Unit]
    children: dict[str | None, list[str]]

    @property
    def top(self) -> Unit:
        """The one unit without a parent."""
        return self.units[self.children[None][0]]

    def subtree(self, code: str) -> frozenset[str]:
        """``code`` and every unit under it."""
        found, todo = set(), [code]
        while todo:
            current = todo.pop()
            found.add(current)
            todo.extend(self.children.get(current, ()))
        return frozenset(found)

    def path(self, code: str) -> tuple[str, ...]:
        """The codes from the top unit down to ``code``."""
        path: list[str] = []
        current: str | None = code
        while current is not None:
            path.append(current)
            current = self.units[current].parent_code
        return tuple(reversed(path))

    def in_order(self) -> list[tuple[int, Unit]]:
        """Every unit with its depth (top 0), each followed by the units under it, by code."""
        ordered: list[tuple[int, Unit]] = []

        def visit(code: str, depth: int) -> None:
            ordered.append((depth, self.units[code]))
            for child in sorted(self.children.get(code, ())):
                visit(child, depth + 1)

        visit(self.top.code, 0)
        return ordered


def unit_tree(session: Session) -> UnitTree:
    """The organisation tree as the database holds it now."""
    units = {unit.code: unit for unit in session.scalars(select(Unit))}
    children: dict[str | None, list[str]] = {}
    for unit in units.values():
        children.setdefault(unit.parent_code, []).append(unit.code)
    if len(children.get(None, ())) != 1:
        raise RuntimeError(
            "the units table must hold exactly one top unit (run `yekuo db upgrade`)"
        )
    return UnitTree(units=units, children=children)
