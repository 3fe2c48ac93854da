"""The webhook against a real HTTP server on a free port: overdue stages and new error
findings are delivered signed, a failing receiver gets the message again after the backoff,
and nothing is sent twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archive import (
    SIGNATURE_HEADER,
    SYSTEM,
    CaseCreate,
    Database,
    UrllibSender,
    create_case,
    load_rule_book,
    rule_set_for,
    webhook_round,
)
from archive._duties import enter_stage
from archive._webhooks import MAX_ATTEMPTS, retry_delay
from archive.db._models import WebhookMessage
from core import CHINA

SECRET = "a-webhook-secret-of-some-length"
TODAY = dt.date(2025, 10, 20)
WRONG_ID = "11010519491231002" + "1"  # the check digit is X


@dataclass
class Receiver:
    """What the test server received, and how many requests it still refuses."""

    url: str
    refuse: int = 0
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state.refuse:
                state.refuse -= 1
                self.send_response(503)
            else:
                state.received.append((dict(self.headers.items()), body))
                self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _round(database: Database, receiver: Receiver, now: dt.datetime) -> tuple[int, int, int]:
    collected, report = webhook_round(
        database, url=receiver.url, secret=SECRET, sender=UrllibSender(), today=TODAY, now=now
    )
    return collected, report.delivered, report.failed


def test_overdue_stages_and_error_findings_reach_the_receiver_signed_after_a_retry(
    database_url: str, receiver: Receiver
) -> None:
    start = dt.datetime(2025, 10, 20, 9, 0, tzinfo=CHINA)
    book = load_rule_book()
    with Database(database_url) as database:
        database.upgrade()
        assert _round(database, receiver, start) == (0, 0, 0)  # from now on findings count
        with database.transaction() as session:
            case = create_case(
                session,
                data=CaseCreate.model_validate(
                    {
                        "case_no": "YK-W1",
                        "category": "residential",
                        "business_type": "new",
                        "capacity_kva": 8,
                        "customer": {"name": "王小明", "id_number": WRONG_ID},
                        "accepted_on": "2025-10-09",
                    }
                ),
                actor=SYSTEM,
                rules=book,
            )
            # In its application stage (2 working days) since 9 October: due 11 October.
            enter_stage(
                session,
                case,
                at=dt.datetime(2025, 10, 9, 10, 0, tzinfo=CHINA),
                book=book,
                rule_set=rule_set_for(book, case),
            )
        receiver.refuse = 1
        assert _round(database, receiver, start) == (2, 1, 1)
        assert _round(database, receiver, start + dt.timedelta(seconds=10)) == (0, 0, 0)
        later = start + retry_delay(1) + dt.timedelta(seconds=1)
        assert _round(database, receiver, later) == (0, 1, 0)
        assert _round(database, receiver, later + dt.timedelta(hours=2)) == (0, 0, 0)

    bodies = {}
    for headers, body in receiver.received:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
        message = json.loads(body)
        assert headers["X-Yekuo-Delivery"] == str(message["id"])
        assert headers["X-Yekuo-Event"] == message["event"]
        bodies[message["event"]] = message["data"]
    assert set(bodies) == {"case.overdue", "finding.error"}
    overdue = bodies["case.overdue"]
    assert (overdue["case_no"], overdue["stage"], overdue["due_on"]) == (
        "YK-W1",
        "application",
        "2025-10-11",
    )
    assert overdue["days_over"] == 6  # 13 to 17 and 20 October are past 11 October
    finding = bodies["finding.error"]
    assert finding["case_no"] == "YK-W1"
    assert WRONG_ID not in json.dumps(finding, ensure_ascii=False)  # masked


def test_a_receiver_that_never_takes_it_is_given_up_after_the_last_attempt(
    database_url: str, receiver: Receiver
) -> None:
    now = dt.datetime(2025, 10, 20, 9, 0, tzinfo=dt.UTC)
    with Database(database_url) as database:
        database.upgrade()
        with database.transaction() as session:
            session.add(
                WebhookMessage(
                    event="case.overdue", subject="overdue:x", payload={}, next_attempt_at=now
                )
            )
        receiver.refuse = MAX_ATTEMPTS
        for attempt in range(1, MAX_ATTEMPTS + 1):
            _round(database, receiver, now)
            now += retry_delay(attempt) + dt.timedelta(seconds=1)
        with database.transaction() as session:
            message = session.query(WebhookMessage).one()
            assert (message.attempts, message.delivered_at) == (MAX_ATTEMPTS, None)
            assert message.given_up_at is not None
            assert "503" in (message.last_error or "")
    assert receiver.received == []
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 9)] == [30, 60, 120, 3600, 3600]
