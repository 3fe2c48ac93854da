"""The organisation tree: creating units, paths and subtrees, and who sees which unit."""

from __future__ import annotations

import pytest

from archive import (
    SYSTEM,
    Actor,
    ConflictError,
    Database,
    ForbiddenError,
    Role,
    ValidationError,
    create_unit,
    unit_tree,
    visible_units,
)


@pytest.fixture
def tree(database: Database) -> Database:
    """TOP → XA → GDS1, GDS2; TOP → XB."""
    with database.transaction() as session:
        create_unit(session, code="XA", name="县公司A", actor=SYSTEM)
        create_unit(session, code="XB", name="县公司B", actor=SYSTEM)
        create_unit(session, code="GDS1", name="供电所一", parent="XA", actor=SYSTEM)
        create_unit(session, code="GDS2", name="供电所二", parent="XA", actor=SYSTEM)
    return database


def test_paths_subtrees_and_the_order_of_the_tree(tree: Database) -> None:
    with tree.transaction() as session:
        units = unit_tree(session)
        assert units.top.code == "TOP"
        assert units.path("GDS2") == ("TOP", "XA", "GDS2")
        assert units.subtree("XA") == {"XA", "GDS1", "GDS2"}
        assert [(depth, unit.code) for depth, unit in units.in_order()] == [
            (0, "TOP"),
            (1, "XA"),
            (2, "GDS1"),
            (2, "GDS2"),
            (1, "XB"),
        ]


@pytest.mark.parametrize(
    ("unit", "sees"),
    [(None, None), ("TOP", None), ("XA", {"XA", "GDS1", "GDS2"}), ("GDS1", {"GDS1"})],
)
def test_an_actor_sees_its_unit_and_the_units_under_it(
    tree: Database, unit: str | None, sees: set[str] | None
) -> None:
    with tree.transaction() as session:
        assert visible_units(session, actor=Actor(name="a", role=Role.auditor, unit=unit)) == sees


def test_malformed_taken_or_orphan_units_are_refused(tree: Database) -> None:
    with tree.transaction() as session:
        with pytest.raises(ValidationError, match="unit code 'G/1' is refused"):
            create_unit(session, code="G/1", name="x", actor=SYSTEM)
        with pytest.raises(ValidationError, match="needs a name"):
            create_unit(session, code="G3", name=" ", actor=SYSTEM)
        with pytest.raises(ConflictError, match="unit XA already exists"):
            create_unit(session, code="XA", name="again", actor=SYSTEM)
        with pytest.raises(ValidationError, match="there is no unit 'NOPE'"):
            create_unit(session, code="G4", name="x", parent="NOPE", actor=SYSTEM)


def test_an_admin_below_the_top_creates_units_only_in_its_subtree(tree: Database) -> None:
    county = Actor(name="admin.xa", role=Role.admin, unit="XA")
    with tree.transaction() as session:
        assert create_unit(session, code="GDS3", name="供电所三", parent="GDS1", actor=county)
        with pytest.raises(ForbiddenError, match="may not act for unit XB"):
            create_unit(session, code="GDS4", name="x", parent="XB", actor=county)
        with pytest.raises(ForbiddenError, match="may not act for unit TOP"):
            create_unit(session, code="GDS5", name="x", actor=county)
