"""A database that stops answering just as a job's result is to be stored.

The worker waits for it (growing pauses, for up to a lease's length) and stores the result once
it answers, instead of giving the document back to be read again after its lease runs out; past
a lease's length it gives up and leaves the job to the lease. The clock is the test's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import worker._worker
from archive import AuditEvent, Database, Document, IntakeOutcome, LocalObjectStore
from core import Settings
from tests.intake_jobs import intake_outcome, upload_scan
from worker import Attempt, IntakeWorker, WorkerParts


class Clock:
    """``time`` as the worker module sees it: sleeping only moves this clock on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


class Outage:
    """Makes ``database`` refuse every transaction while ``down`` (until ``back_after`` tries)."""

    def __init__(self, database: Database) -> None:
        self.transaction: Callable[[], AbstractContextManager[Session]] = database.transaction
        self.down = False
        self.refused = 0
        self.back_after: int | None = None

    @contextmanager
    def flaky(self) -> Iterator[Session]:
        if self.down and (self.back_after is None or self.refused < self.back_after):
            self.refused += 1
            raise OperationalError("SELECT 1", None, ConnectionRefusedError("connection refused"))
        with self.transaction() as session:
            yield session


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(worker._worker, "time", clock)
    return clock


def _run_with_outage(
    settings: Settings,
    database: Database,
    store: LocalObjectStore,
    monkeypatch: pytest.MonkeyPatch,
    *,
    back_after: int | None,
) -> tuple[str, Attempt, Outage]:
    document_id = upload_scan(settings, database, store, seed=3)
    outage = Outage(database)
    monkeypatch.setattr(database, "transaction", outage.flaky)

    def read_then_lose_the_database(
        path: Path, *, media_type: str, hint: str | None
    ) -> IntakeOutcome:
        outage.down, outage.back_after = True, back_after
        return intake_outcome()

    parts = WorkerParts(
        database=database, store=store, settings=settings, analyse=read_then_lose_the_database
    )
    attempt = IntakeWorker(parts, name="w").run(document_id)
    outage.down = False
    return document_id, attempt, outage


def _intakes(database: Database, document_id: str) -> int:
    with database.transaction() as session:
        counted = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity_id == document_id, AuditEvent.action == "document.intake")
        )
        return int(counted or 0)


def test_a_result_is_stored_once_the_database_answers_again(
    settings: Settings,
    database: Database,
    store: LocalObjectStore,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document_id, attempt, outage = _run_with_outage(
        settings, database, store, monkeypatch, back_after=8
    )
    assert attempt == Attempt(claimed=True)
    assert outage.refused == 8
    assert clock.pauses == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0]
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.attempts, document.leased_by) == ("done", 1, None)
    assert _intakes(database, document_id) == 1


def test_past_a_lease_s_length_the_result_is_given_up_and_the_lease_gives_the_job_back(
    settings: Settings,
    database: Database,
    store: LocalObjectStore,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = clock.now
    document_id, attempt, _outage = _run_with_outage(
        settings, database, store, monkeypatch, back_after=None
    )
    assert attempt == Attempt(claimed=True)
    assert clock.now - started <= settings.intake_lease_seconds
    assert clock.now - started > settings.intake_lease_seconds - 5
    assert max(clock.pauses) == 5.0
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.error_code) == ("processing", None)
        assert document.leased_by == "w"
    assert _intakes(database, document_id) == 0
