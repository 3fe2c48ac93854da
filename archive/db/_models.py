"""SQLAlchemy 2 models: the relational truth of yekuo (schema changes go through Alembic)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false, true

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    """A new random identifier (32 hex characters)."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every database (SQLite returns naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("store aware datetimes only (use archive utcnow())")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dt.datetime: UTCDateTime(),
        dict[str, Any]: JSON,
    }


class Customer(Base):
    """The applicant: a person (ID number) or an organisation (credit code)."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class LegalRepresentative(Base):
    """The legal representative (法定代表人) of an organisation customer."""

    __tablename__ = "legal_representatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str] = mapped_column(String(18), index=True)


class Unit(Base):
    """A unit of the organisation tree (市公司 → 县公司 → 供电所); exactly one has no parent."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Case(Base):
    """A 业扩报装 case: one application moving through the stages, held by one unit."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    business_type: Mapped[str] = mapped_column(String(32))
    capacity_kva: Mapped[float] = mapped_column(Float)
    stage: Mapped[str] = mapped_column(String(40), index=True)
    unit: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    legal_representative_id: Mapped[int | None] = mapped_column(
        ForeignKey("legal_representatives.id")
    )
    accepted_on: Mapped[dt.date] = mapped_column()
    stage_entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")
    legal_representative: Mapped[LegalRepresentative | None] = relationship(lazy="joined")
    # A document in the trash is no longer one of the case's: not listed, counted or checked.
    documents: Mapped[list[Document]] = relationship(
        back_populates="case",
        order_by="Document.created_at",
        primaryjoin="and_(Case.id == Document.case_id, Document.status != 'trashed')",
    )
    # Facts a reviewer records (an agent applies, the customer rents ...): rule conditions.
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The rule version a reviewer re-based the case on; None: the one in force on accepted_on.
    rules_version: Mapped[str | None] = mapped_column(String(40))
    transitions: Mapped[list[StageTransition]] = relationship(
        back_populates="case", order_by="StageTransition.id"
    )
    # 归档: the 档号 given when the case was archived; None while it is open (or re-opened,
    # which keeps the number: a re-archived case is the same 件).
    archive_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    archived_at: Mapped[dt.datetime | None] = mapped_column()
    archived_by: Mapped[str | None] = mapped_column(String(200))


class Document(Base):
    """One uploaded file of a case, or one part of a stack; bytes stored under its sha256.

    An uploaded file has ``part`` 0. A stack split into documents keeps its row (status
    ``stack``) and gets one child per part (``parent_id``, ``part`` from 1, ``page_first`` and
    ``page_last`` in the original, inclusive) sharing its sha256: the bytes are stored once.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("case_id", "sha256", "part", name="uq_documents_case_sha256_part"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(64))
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    doc_type_hint: Mapped[str | None] = mapped_column(String(40))
    doc_type: Mapped[str | None] = mapped_column(String(40), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    pages: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    # A FailureCode, set only while the document is failed.
    error_code: Mapped[str | None] = mapped_column(String(32))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(40), default="application", index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    ocr: Mapped[dict[str, Any]] = mapped_column(default=dict)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)
    seconds: Mapped[float | None] = mapped_column(Float)
    # The durable intake job: a queued document is claimed by one worker under a lease.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    leased_by: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column()
    # The search index is derived: ``pending`` until indexed, ``failed`` to retry.
    index_status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # A part of a split stack: the stack's document, its part number and its pages.
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    part: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    page_first: Mapped[int | None] = mapped_column(Integer)
    page_last: Mapped[int | None] = mapped_column(Integer)
    # The long-term (PDF/A-2b) copy made at archiving, stored beside the original (the object
    # store keys objects by their sha256).
    archival_sha256: Mapped[str | None] = mapped_column(String(64))
    archival_size: Mapped[int | None] = mapped_column(BigInteger)
    # The trash (status ``trashed``): when, by whom and why, the status it had before (given
    # back on restore), and when its original was destroyed once the trash period was over.
    trashed_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    trashed_by: Mapped[str | None] = mapped_column(String(200))
    trash_reason: Mapped[str | None] = mapped_column(Text)
    status_before_trash: Mapped[str | None] = mapped_column(String(16))
    purged_at: Mapped[dt.datetime | None] = mapped_column()

    case: Mapped[Case] = relationship(back_populates="documents")
    findings: Mapped[list[Finding]] = relationship(back_populates="document", order_by="Finding.id")
    parent: Mapped[Document | None] = relationship(remote_side=[id], back_populates="parts")
    parts: Mapped[list[Document]] = relationship(back_populates="parent", order_by="Document.part")


class Finding(Base):
    """A result of a check: a stable code, a severity, and what was found vs expected."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(64))
    found: Mapped[str | None] = mapped_column(Text)
    expected: Mapped[str | None] = mapped_column(Text)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    document: Mapped[Document | None] = relationship(back_populates="findings")


class AuditEvent(Base):
    """One write, who made it and what changed; each event hashes its predecessor's hash."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    case_no: Mapped[str | None] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class User(Base):
    """A person who signs in with a user name and password: checked here (``source`` local,
    argon2 hash only) or by the directory (``source`` ldap, no password kept)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # None: the top unit.
    unit: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    password_hash: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(8), default="local", server_default="local")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class ApiToken(Base):
    """An API token; only the sha256 of the secret is stored. Owned by a user (old ones not)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    # The unit whose cases it sees; None: the top unit.
    unit: Mapped[str | None] = mapped_column(ForeignKey("units.code"))

    user: Mapped[User | None] = relationship()


class WebSession(Base):
    """A sign-in: the sha256 of its random secret, and the token or user it signed in as.

    ``kind`` ``web`` is a browser's cookie; ``api`` a session token from ``POST /auth/login``,
    sent as Bearer. Each is accepted only where it was given.
    """

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="web", server_default="web")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    ended_at: Mapped[dt.datetime | None] = mapped_column()

    token: Mapped[ApiToken | None] = relationship()
    user: Mapped[User | None] = relationship()


class StageTransition(Base):
    """A case moving to its next stage; an override records why the gate was passed anyway."""

    __tablename__ = "stage_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_stage: Mapped[str] = mapped_column(String(40))
    to_stage: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    rules_version: Mapped[str] = mapped_column(String(40))
    override_reason: Mapped[str | None] = mapped_column(Text)
    # What was missing or open when the gate was overridden (empty when it was passed).
    outstanding: Mapped[dict[str, Any]] = mapped_column(default=dict)

    case: Mapped[Case] = relationship(back_populates="transitions")


class ArchiveCounter(Base):
    """The last 件号 given in one 年度: archive numbers are allocated from it without gaps."""

    __tablename__ = "archive_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Loan(Base):
    """借阅: one person's request to read an archived case, the keeper's decision, its period.

    ``status`` is what was last decided (``requested``, ``approved``, ``refused``,
    ``returned``); an approved loan past ``due_at`` has expired, which is computed on read.
    """

    __tablename__ = "loans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    borrower: Mapped[str] = mapped_column(String(200), index=True)
    borrower_role: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(Text)
    days_requested: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column()
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(200))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[dt.datetime | None] = mapped_column()
    returned_at: Mapped[dt.datetime | None] = mapped_column()
    returned_by: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship()


class CaseRecordChange(Base):
    """One change of a system-owned field of a case record (customer, capacity, category …).

    ``source`` says where the new value came from: ``api`` (a push to ``PUT /cases/{case_no}``),
    ``import:<file name>`` (``yekuo cases import`` or the import page) or ``web`` (the case
    page's edit form). Values are kept as text (None: the field was empty).
    """

    __tablename__ = "case_record_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class UnitPost(Base):
    """Who holds a 岗位 (post) in a unit: the person stages naming that post are assigned to."""

    __tablename__ = "unit_posts"
    __table_args__ = (UniqueConstraint("unit", "post", name="uq_unit_posts_unit_post"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    post: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    assigned_by: Mapped[str] = mapped_column(String(200))

    user: Mapped[User] = relationship(lazy="joined")


class StageDuty(Base):
    """One stay of a case in a stage: when it entered and left, who answered for it, and the
    time limit and due date fixed on entry (the 考核 report counts them as they were)."""

    __tablename__ = "stage_duties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    entered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # None while the case is still in the stage.
    left_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    # The post answering for the stage (None: the rules name nobody), its unit, and its holder
    # (None: nobody held the post, the stage is the post's alone).
    post: Mapped[str | None] = mapped_column(String(32))
    unit: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    time_limit_days: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[dt.date | None] = mapped_column()
    # When the webhook was told the stage is overdue (None: not yet, or no webhook).
    overdue_notified_at: Mapped[dt.datetime | None] = mapped_column()

    case: Mapped[Case] = relationship()
    user: Mapped[User | None] = relationship(lazy="joined")


class WebhookMessage(Base):
    """A webhook message waiting to be delivered (the durable outbox): written in the
    transaction that noticed the event, deleted never, retried with backoff until delivered."""

    __tablename__ = "webhook_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event: Mapped[str] = mapped_column(String(40))
    # What the message is about, e.g. ``finding:12``: a subject is sent once.
    subject: Mapped[str] = mapped_column(String(80), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column()
    # Every attempt was refused (``MAX_ATTEMPTS``): no more tries.
    given_up_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class WebhookState(Base):
    """What the webhook collector remembers, e.g. since when it reports new findings."""

    __tablename__ = "webhook_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
