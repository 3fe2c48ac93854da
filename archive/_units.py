"""Units: the organisation tree (市公司 → 县公司 → 供电所) that cases, users and tokens belong to.

Exactly one unit has no parent: the top unit, created with the database from
``YEKUO_TOP_UNIT``/``YEKUO_TOP_UNIT_NAME``. Every other unit is created under an existing one and
is never moved or removed, so a unit's path (its ancestors, top first) never changes. Which
cases an actor sees follows from the tree in ``archive._scope``.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._errors import ConflictError, ValidationError
from archive._scope import require_unit_in_scope, visible_units
from archive._unit_tree import unit_tree
from archive.db._models import Unit

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_LIST_THEM = "list the units with `yekuo unit list` or on the page 用户管理"


def known_unit(session: Session, code: str | None) -> str | None:
    """``code`` once checked to be a unit (None stays None: the top unit); ValidationError
    naming it otherwise."""
    if code is None:
        return None
    if session.get(Unit, code) is None:
        raise ValidationError(
            f"单位 {code} 不存在 / there is no unit {code!r}; {_LIST_THEM}, or create it first",
            message_zh=f"单位 {code} 不存在：请从列表中选择单位，或请管理员先建立该单位",
        )
    return code


def assignable_unit(session: Session, *, code: str | None, actor: Actor) -> str | None:
    """``code`` once checked to be a unit ``actor`` may give a user or token (its own or one
    under it; None, the top unit, only for an actor of the top unit): ValidationError for an
    unknown unit, ForbiddenError for one outside the actor's."""
    known = known_unit(session, code)
    require_unit_in_scope(session, actor=actor, code=known or unit_tree(session).top.code)
    return known


def assignable_units(session: Session, *, actor: Actor) -> list[tuple[int, Unit]]:
    """The units ``actor`` may give a case to (its own and those under it), each with its depth
    in the tree, in the tree's order."""
    visible = visible_units(session, actor=actor)
    return [
        (d, u) for d, u in unit_tree(session).in_order() if visible is None or u.code in visible
    ]


def create_unit(
    session: Session, *, code: str, name: str, actor: Actor, parent: str | None = None
) -> Unit:
    """A new unit under ``parent`` (default the top unit), which must be in the actor's
    subtree (ForbiddenError otherwise); audited.

    ValidationError for a malformed code, a blank name or an unknown parent; ConflictError
    when the code is taken.
    """
    if not _CODE.fullmatch(code):
        raise ValidationError(
            f"unit code {code!r} is refused: 1-64 characters of A-Z, a-z, 0-9, '_' or '-', "
            "starting with a letter or digit"
        )
    if not name.strip():
        raise ValidationError(f"单位 {code} 需要名称 / unit {code} needs a name (e.g. 城关供电所)")
    if session.get(Unit, code) is not None:
        raise ConflictError(f"单位 {code} 已存在 / unit {code} already exists; {_LIST_THEM}")
    parent_code = known_unit(session, parent) or unit_tree(session).top.code
    require_unit_in_scope(session, actor=actor, code=parent_code)
    unit = Unit(code=code, name=name.strip(), parent_code=parent_code)
    session.add(unit)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="unit.create",
        entity_type="unit",
        entity_id=code,
        after={"code": code, "name": unit.name, "parent": parent_code},
    )
    return unit
