"""A worker keeps the lease of a long job alive; a starting consumer frees a dead worker's jobs."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import time
from pathlib import Path

from archive import (
    Claim,
    Database,
    Document,
    IntakeOutcome,
    LocalObjectStore,
    claim_next,
)
from archive._leases import LeaseHolder
from core import Settings, boot_id
from tests.intake_jobs import intake_outcome, upload_scan
from worker import Attempt, IntakeQueue, IntakeWorker, WorkerParts


def _read_well(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
    return intake_outcome()


def test_a_job_longer_than_its_lease_keeps_it_and_no_second_worker_takes_it_over(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    short = settings.model_copy(update={"intake_lease_seconds": 1})
    document_id = upload_scan(short, database, store, 70)
    second: list[Claim | None] = []

    def slow(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        time.sleep(1.3)  # past the lease of 1 s taken at claim time
        with database.transaction() as session:
            lease = dt.timedelta(minutes=15)
            second.append(claim_next(session, worker="second", lease=lease))
        return intake_outcome()

    parts = WorkerParts(database=database, store=store, settings=short, analyse=slow)
    assert IntakeWorker(parts, name="first").run(document_id) == Attempt(claimed=True)
    assert second == [None], "the running job's lease was renewed"
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.attempts, document.leased_by) == ("done", 1, None)


def test_a_starting_consumer_queues_again_the_jobs_of_this_hosts_dead_worker(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 71)
    killed = subprocess.Popen(["sleep", "60"])
    killed.kill()  # SIGKILL: the worker had no chance to give anything back
    killed.wait()
    holder = LeaseHolder(
        host=socket.gethostname(), process=f"{boot_id()}-{killed.pid}", thread="Worker-1"
    )
    with database.transaction() as session:
        claim_next(session, worker=holder.name, lease=dt.timedelta(minutes=15))
    parts = WorkerParts(database=database, store=store, settings=settings, analyse=_read_well)
    queue = IntakeQueue(settings, parts=parts)
    try:
        assert queue.waiting() == set()
        queue.consumer(threads=1, shutdown_seconds=1)
        assert queue.waiting() == {document_id}, "sent at once, not at the lease's end"
    finally:
        queue.close()
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.leased_by) == ("queued", None)
