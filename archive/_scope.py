"""The one scope rule: an actor sees and acts on the cases of its unit and the units under it.

An actor of the top unit (or of no unit: the server's own command line, workers, old tokens)
sees every case its role may. Every path that loads a case or a document goes through here;
outside the scope a case or a document answers exactly as one that does not exist (404), so a
request never confirms that another unit's case is there. Documents, findings and audit events
belong to the unit of their case.
"""

from __future__ import annotations

from typing import TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from archive._auth import Actor
from archive._errors import ForbiddenError
from archive._unit_tree import unit_tree
from archive.db._models import AuditEvent, Case, Document

_Row = TypeVarTuple("_Row")


def visible_units(session: Session, *, actor: Actor) -> frozenset[str] | None:
    """The codes of the units whose cases ``actor`` sees; None: every unit."""
    if actor.unit is None:
        return None
    tree = unit_tree(session)
    if actor.unit == tree.top.code:
        return None
    if actor.unit not in tree.units:
        return frozenset()
    return tree.subtree(actor.unit)


def search_unit(session: Session, *, actor: Actor) -> str | None:
    """The unit a search by ``actor`` is limited to (documents whose case's unit path holds
    it); None: no limit."""
    return None if visible_units(session, actor=actor) is None else actor.unit


def case_in_scope(session: Session, *, actor: Actor, case: Case) -> bool:
    """Whether ``actor`` may see ``case``."""
    units = visible_units(session, actor=actor)
    return units is None or case.unit in units


def document_in_scope(session: Session, *, actor: Actor, document: Document) -> bool:
    """Whether ``actor`` may see ``document`` (that is, its case)."""
    return case_in_scope(session, actor=actor, case=document.case)


def scoped_cases(session: Session, query: Select[*_Row], *, actor: Actor) -> Select[*_Row]:
    """``query`` (over cases) limited to the cases ``actor`` sees."""
    units = visible_units(session, actor=actor)
    return query if units is None else query.where(Case.unit.in_(units))


def scoped_documents(session: Session, query: Select[*_Row], *, actor: Actor) -> Select[*_Row]:
    """``query`` (over documents) limited to the documents of the cases ``actor`` sees."""
    units = visible_units(session, actor=actor)
    if units is None:
        return query
    return query.where(Document.case_id.in_(select(Case.id).where(Case.unit.in_(units))))


def scoped_events(session: Session, query: Select[*_Row], *, actor: Actor) -> Select[*_Row]:
    """``query`` (over audit events) limited to the events of the cases ``actor`` sees; events
    of no case (users, tokens, units, checkpoints) only the top unit sees."""
    units = visible_units(session, actor=actor)
    if units is None:
        return query
    return query.where(AuditEvent.case_no.in_(select(Case.case_no).where(Case.unit.in_(units))))


def require_unit_in_scope(session: Session, *, actor: Actor, code: str) -> None:
    """ForbiddenError unless the unit ``code`` is ``actor``'s or under it (a case created or
    moved there, a unit created under it)."""
    units = visible_units(session, actor=actor)
    if units is not None and code not in units:
        raise ForbiddenError(
            f"单位 {code} 不是本单位或下级单位 / {actor.name} of unit {actor.unit} may not act "
            f"for unit {code}: it is not {actor.unit} or a unit under it; choose one of "
            f"{', '.join(sorted(units))}",
            message_zh=f"单位 {code} 不是您的单位或下级单位：请选择您的单位或其下级单位",
        )
