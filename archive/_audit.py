"""The audit trail: every write as an event, each chained to the one before by its hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from archive._auth import Actor
from archive._privacy import mask_payload
from archive._scope import scoped_events
from archive.db._models import AuditEvent, utcnow

GENESIS_HASH = "0" * 64


def _event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor,
        "actor_role": event.actor_role,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "case_no": event.case_no,
        "before": event.before,
        "after": event.after,
    }


AUDIT_CHAIN_LOCK = 0x79656B756F  # "yekuo": the advisory lock that serialises chain appends


def lock_chain(session: Session) -> None:
    """Take the lock that serialises the chain's appends (and its checkpoints) until commit.

    On PostgreSQL a transaction-scoped advisory lock; on SQLite a write that changes nothing,
    which takes the database's write lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    else:
        session.execute(text("UPDATE audit_events SET id = id WHERE 0 = 1"))


def record_event(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: str,
    case_no: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction (it commits with the write it records).

    Appends are serialised: the transaction takes ``lock_chain`` before the last hash is read.
    The unique ``prev_hash`` stays as the last guard: the chain never forks.
    """
    lock_chain(session)
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=utcnow(),
        actor=actor.name,
        actor_role=actor.role.value,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        case_no=case_no,
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=last or GENESIS_HASH,
    )
    event.hash = _event_hash(event.prev_hash, _payload(event))
    session.add(event)
    session.flush()
    return event


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The payload as stored: plain JSON, citizen ID numbers masked (the trail keeps no PII)."""
    if value is None:
        return None
    loaded: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    masked: dict[str, Any] = mask_payload(loaded)
    return masked


@dataclass(frozen=True)
class AuditFilter:
    """What to select from the trail."""

    case_no: str | None = None
    actor: str | None = None
    action: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 100
    offset: int = 0
    without_actors: tuple[str, ...] = ()
    """Leave out the events of these actors (the system's own, on a page that hides them)."""
    entities: tuple[tuple[str, str], ...] = ()
    """Only events about one of these objects, each ``(entity_type, entity_id)`` (a document
    and its findings, for the document's history)."""


def query_events(
    session: Session, *, where: AuditFilter, actor: Actor
) -> tuple[int, list[AuditEvent]]:
    """Matching events ``actor`` may see (those of the cases of its unit and below; all for
    the top unit), newest first, and how many match in all."""
    query = scoped_events(session, select(AuditEvent), actor=actor)
    if where.case_no:
        query = query.where(AuditEvent.case_no == where.case_no)
    if where.actor:
        query = query.where(AuditEvent.actor == where.actor)
    if where.action:
        query = query.where(AuditEvent.action == where.action)
    if where.without_actors:
        query = query.where(AuditEvent.actor.not_in(where.without_actors))
    if where.entities:
        query = query.where(
            or_(
                *(
                    (AuditEvent.entity_type == kind) & (AuditEvent.entity_id == entity_id)
                    for kind, entity_id in where.entities
                )
            )
        )
    if where.since:
        query = query.where(AuditEvent.at >= where.since)
    if where.until:
        query = query.where(AuditEvent.at < where.until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEvent.id.desc()).limit(where.limit).offset(where.offset)
    )
    return total, list(rows)


@dataclass(frozen=True)
class ChainReport:
    """Result of re-computing the audit chain."""

    events: int
    intact: bool
    first_broken_id: int | None
    message: str
    anchored_through: int | None = None
    """The last event the signed checkpoints anchor (None when not checked against them)."""


def verify_chain(session: Session) -> ChainReport:
    """Re-compute every event's hash in order; report the first that does not match."""
    prev, count = GENESIS_HASH, 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(500):
        count += 1
        if event.prev_hash != prev or event.hash != _event_hash(prev, _payload(event)):
            return ChainReport(
                events=count,
                intact=False,
                first_broken_id=event.id,
                message=f"audit event {event.id} was altered, removed or reordered; "
                "restore the audit table from a backup and investigate",
            )
        prev = event.hash
    return ChainReport(events=count, intact=True, first_broken_id=None, message="intact")
