"""The webhook: overdue stages and new error findings POSTed as signed JSON, from an outbox.

Collecting writes a message per event into ``webhook_outbox`` in one transaction with the
mark that it was noticed (a stage's ``overdue_notified_at``; a finding's message subject), so
a crash loses nothing and sends nothing twice from collecting. Delivering claims a due message
for ``CLAIM_SECONDS`` in its own transaction, POSTs it with the transaction closed, and then
records the outcome: delivered, or tried again after a doubling delay (``retry_delay``) until
``MAX_ATTEMPTS``. A receiver may see a message twice (a crash after sending, before recording):
``X-Yekuo-Delivery`` is the message's id for it to drop repeats.

Each body is signed with HMAC-SHA256 under ``YEKUO_WEBHOOK_SECRET``:
``X-Yekuo-Signature: sha256=<hex of the HMAC of the raw body>``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive._deadlines import working_days_between
from archive._privacy import mask_payload
from archive._vocabulary import STAGE_LABELS_ZH, Severity
from archive._webhook_http import WebhookDeliveryError
from archive.db._database import Database
from archive.db._models import (
    Case,
    Finding,
    StageDuty,
    WebhookMessage,
    WebhookState,
    utcnow,
)

EVENT_OVERDUE = "case.overdue"
EVENT_FINDING = "finding.error"
SIGNATURE_HEADER = "X-Yekuo-Signature"
MAX_ATTEMPTS = 10
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=1)
CLAIM_SECONDS = 120
_FINDINGS_SINCE = "findings_since"


class WebhookSender(Protocol):
    """Sends one webhook message.

    ``post`` MUST return only once the receiver took the message (a 2xx answer) and MUST raise
    WebhookDeliveryError, saying why, otherwise; it MUST NOT retry by itself.
    """

    def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> None:
        """POST ``body`` with ``headers`` to ``url``."""


def signature(body: bytes, secret: str) -> str:
    """The ``X-Yekuo-Signature`` value of ``body``: ``sha256=`` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, doubling, at most 1 h."""
    delay: dt.timedelta = FIRST_DELAY * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_DELAY)


def collect_webhook_messages(session: Session, *, now: dt.datetime, today: dt.date) -> int:
    """Write a message for each stage newly past its due date and each new open error
    finding (those since the webhook first ran); how many. The caller commits."""
    state = session.get(WebhookState, _FINDINGS_SINCE)
    if state is None:
        state = WebhookState(name=_FINDINGS_SINCE, at=now)
        session.add(state)
    overdue = session.execute(
        select(StageDuty, Case.case_no)
        .join(Case, Case.id == StageDuty.case_id)
        .where(
            StageDuty.left_at.is_(None),
            StageDuty.due_on < today,
            StageDuty.overdue_notified_at.is_(None),
            Case.archived_at.is_(None),
        )
    ).all()
    for stay, case_no in overdue:
        stay.overdue_notified_at = now
        _add(
            session,
            EVENT_OVERDUE,
            f"overdue:{stay.id}",
            _overdue_payload(stay, case_no, today),
            now=now,
        )
    findings = session.execute(
        select(Finding, Case.case_no)
        .join(Case, Case.id == Finding.case_id)
        .where(
            Finding.severity == Severity.error.value,
            Finding.status == "open",
            Finding.created_at >= state.at,
        )
    ).all()
    subjects = {f"finding:{finding.id}" for finding, _ in findings}
    sent = set(
        session.scalars(select(WebhookMessage.subject).where(WebhookMessage.subject.in_(subjects)))
    )
    new = [(f, case_no) for f, case_no in findings if f"finding:{f.id}" not in sent]
    for finding, case_no in new:
        _add(
            session,
            EVENT_FINDING,
            f"finding:{finding.id}",
            _finding_payload(finding, case_no),
            now=now,
        )
    session.flush()
    return len(overdue) + len(new)


def _add(
    session: Session, event: str, subject: str, payload: dict[str, Any], *, now: dt.datetime
) -> None:
    session.add(
        WebhookMessage(
            event=event,
            subject=subject,
            payload=mask_payload(payload),
            created_at=now,
            next_attempt_at=now,
        )
    )


def _overdue_payload(stay: StageDuty, case_no: str, today: dt.date) -> dict[str, Any]:
    user = stay.user
    return {
        "case_no": case_no,
        "stage": stay.stage,
        "stage_zh": STAGE_LABELS_ZH.get(stay.stage, stay.stage),
        "post": stay.post,
        "unit": stay.unit,
        "responsible": {"username": user.username, "display_name": user.display_name}
        if user is not None
        else None,
        "entered_at": stay.entered_at.isoformat(),
        "due_on": stay.due_on.isoformat() if stay.due_on else None,
        "days_over": working_days_between(stay.due_on, today) if stay.due_on else 0,
    }


def _finding_payload(finding: Finding, case_no: str) -> dict[str, Any]:
    return {
        "case_no": case_no,
        "finding_id": finding.id,
        "code": finding.code,
        "document_id": finding.document_id,
        "field": finding.field,
        "message": finding.message_zh,
        "created_at": finding.created_at.isoformat(),
    }


def message_body(message: WebhookMessage) -> bytes:
    """The JSON body sent for ``message``: its id, event, time and data."""
    envelope = {
        "id": message.id,
        "event": message.event,
        "created_at": message.created_at.isoformat(),
        "data": message.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True).encode()


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery round did."""

    delivered: int
    failed: int
    given_up: int


def deliver_webhook_messages(
    database: Database,
    *,
    url: str,
    secret: str,
    sender: WebhookSender,
    now: dt.datetime | None = None,
) -> DeliveryReport:
    """Send every message that is due (each claimed first, so two workers never both send
    it), oldest first; failures are tried again later with backoff."""
    moment = now or utcnow()
    with database.transaction() as session:
        due = list(
            session.scalars(
                select(WebhookMessage.id)
                .where(
                    WebhookMessage.delivered_at.is_(None),
                    WebhookMessage.given_up_at.is_(None),
                    WebhookMessage.next_attempt_at <= moment,
                )
                .order_by(WebhookMessage.id)
            )
        )
    delivered = failed = given_up = 0
    for message_id in due:
        body = _claim(database, message_id, now=moment)
        if body is None:
            continue
        try:
            sender.post(url, body=body, headers=_headers(body, message_id, secret=secret))
        except WebhookDeliveryError as error:
            gave_up = _record_failure(database, message_id, error=error.message, now=moment)
            failed += 1
            given_up += gave_up
            continue
        with database.transaction() as session:
            message = session.get(WebhookMessage, message_id)
            if message is not None:
                message.delivered_at, message.attempts = utcnow(), message.attempts + 1
        delivered += 1
    return DeliveryReport(delivered=delivered, failed=failed, given_up=given_up)


def _claim(database: Database, message_id: int, *, now: dt.datetime) -> bytes | None:
    with database.transaction() as session:
        claimed = session.execute(
            update(WebhookMessage)
            .where(
                WebhookMessage.id == message_id,
                WebhookMessage.delivered_at.is_(None),
                WebhookMessage.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + dt.timedelta(seconds=CLAIM_SECONDS))
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None  # another worker took it
        message = session.get(WebhookMessage, message_id)
        return message_body(message) if message is not None else None


def _headers(body: bytes, message_id: int, *, secret: str) -> dict[str, str]:
    event = json.loads(body)["event"]
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "yekuo-webhook",
        "X-Yekuo-Event": event,
        "X-Yekuo-Delivery": str(message_id),
        SIGNATURE_HEADER: signature(body, secret),
    }


def _record_failure(database: Database, message_id: int, *, error: str, now: dt.datetime) -> bool:
    with database.transaction() as session:
        message = session.get(WebhookMessage, message_id)
        if message is None:
            return False
        message.attempts += 1
        message.last_error = error[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.given_up_at = now
            return True
        message.next_attempt_at = now + retry_delay(message.attempts)
        return False


def webhook_round(
    database: Database,
    *,
    url: str,
    secret: str,
    sender: WebhookSender,
    today: dt.date,
    now: dt.datetime | None = None,
) -> tuple[int, DeliveryReport]:
    """Collect what is new, then deliver what is due: how many were collected, and the
    delivery's report (the worker runs this every minute, ``yekuo webhooks deliver`` once)."""
    moment = now or utcnow()
    with database.transaction() as session:
        collected = collect_webhook_messages(session, now=moment, today=today)
    return collected, deliver_webhook_messages(
        database, url=url, secret=secret, sender=sender, now=moment
    )
