"""Leases of intake jobs: a dead worker's are given back at start, a live one's never; renewal.

The dead and the live holders are real child processes: one that has exited (and was reaped)
and one still sleeping.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from archive import (
    SYSTEM,
    AuditEvent,
    Claim,
    ConflictError,
    Database,
    Document,
    LocalObjectStore,
    claim_next,
    finish_job,
    lease_holder,
    release_dead_leases,
    release_document,
    renew_lease,
    verify_chain,
)
from archive._leases import LeaseHolder
from core import Settings, boot_id, ended_on_this_machine, process_instance
from tests.intake_jobs import intake_outcome, upload_scan

LEASE = dt.timedelta(minutes=15)
HOST = socket.gethostname()


@pytest.fixture
def live_pid() -> Iterator[int]:
    """The pid of a child process that runs for the whole test."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        yield child.pid
    finally:
        child.kill()
        child.wait()


@pytest.fixture
def dead_pid() -> int:
    """The pid of a child process that has exited and been reaped."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _holder(pid: int, *, host: str = HOST, boot: str | None = None) -> str:
    return LeaseHolder(host=host, process=f"{boot or boot_id()}-{pid}", thread="Worker-1").name


def _claim(database: Database, document_id: str, holder: str) -> Claim:
    with database.transaction() as session:
        claim = claim_next(session, worker=holder, lease=LEASE, document_id=document_id)
    assert claim is not None
    return claim


def _state(database: Database, document_id: str) -> tuple[str, str | None, int]:
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        return document.status, document.leased_by, document.attempts


def test_a_process_that_exited_or_ran_before_a_reboot_has_ended(
    live_pid: int, dead_pid: int
) -> None:
    assert boot_id(), "this test needs /proc/sys/kernel/random/boot_id"
    assert ended_on_this_machine(f"{boot_id()}-{dead_pid}")
    assert not ended_on_this_machine(f"{boot_id()}-{live_pid}")
    other_boot = "0" * 8 if boot_id() != "0" * 8 else "1" * 8
    assert ended_on_this_machine(f"{other_boot}-{live_pid}"), "the machine rebooted since"
    assert not ended_on_this_machine(process_instance()), "this very process"
    assert ended_on_this_machine(f"{boot_id()}-{os.getpid()}-1"), "its pid, given again"
    assert not ended_on_this_machine("not-a-tag")
    assert not ended_on_this_machine(f"{boot_id()}-")


def test_a_lease_holder_names_host_boot_pid_and_thread() -> None:
    holder = LeaseHolder.parse(lease_holder("Worker-2"))
    assert holder is not None
    assert holder.host == HOST
    assert holder.process == process_instance()
    assert holder.process.startswith(f"{boot_id()}-{os.getpid()}-")
    assert holder.thread == "Worker-2"
    assert LeaseHolder.parse("old-host:1234:Worker-1") is None, "pid without boot id: not judged"


def test_the_jobs_of_dead_workers_on_this_host_are_queued_again_and_no_others(
    settings: Settings, database: Database, store: LocalObjectStore, live_pid: int, dead_pid: int
) -> None:
    dead, alive, rebooted, elsewhere, old_form, restarted = (
        upload_scan(settings, database, store, seed) for seed in range(60, 66)
    )
    other_boot = "0" * 8 if boot_id() != "0" * 8 else "1" * 8
    holders = {
        dead: _holder(dead_pid),
        alive: _holder(live_pid),
        rebooted: _holder(live_pid, boot=other_boot),
        elsewhere: _holder(dead_pid, host="another-host"),
        old_form: f"{HOST}:{dead_pid}:Worker-1",
        # a container's worker restarted as the same pid: this process, started another time
        restarted: f"{HOST}:{boot_id()}-{os.getpid()}-1:Worker-1",
    }
    for document_id, holder in holders.items():
        _claim(database, document_id, holder)
    with database.transaction() as session:
        queued = release_dead_leases(session, max_attempts=settings.intake_max_attempts)
    assert queued == [dead, rebooted, restarted]
    for document_id in (dead, rebooted, restarted):
        assert _state(database, document_id) == ("queued", None, 1), "the attempt still counts"
    for document_id in (alive, elsewhere, old_form):
        assert _state(database, document_id) == ("processing", holders[document_id], 1)
    with database.transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document.lease_released")
        ).all()
        assert sorted(e.entity_id for e in events) == sorted([dead, rebooted, restarted])
        for event in events:
            assert event.before is not None
            assert event.after is not None
            assert event.before["leased_by"] == holders[event.entity_id]
            assert holders[event.entity_id] in event.after["reason"]
            assert event.actor == SYSTEM.name
        assert holders[dead] in (session.get_one(Document, dead).error or "")
        assert session.get_one(Document, dead).next_attempt_at is None, "due at once"
        assert verify_chain(session).intact
        assert release_dead_leases(session, max_attempts=3) == [], "released once"


def test_a_job_whose_last_attempt_killed_its_worker_fails_instead_of_looping(
    settings: Settings, database: Database, store: LocalObjectStore, dead_pid: int
) -> None:
    document_id = upload_scan(settings, database, store, 76)
    _claim(database, document_id, _holder(dead_pid))
    with database.transaction() as session:
        assert release_dead_leases(session, max_attempts=1) == []
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.error_code, document.leased_by) == (
            "failed",
            "intake_failed",
            None,
        )
        assert "YEKUO_INTAKE_MAX_ATTEMPTS=1" in (document.error or "")
        assert f"yekuo retry {document_id}" in (document.error or "")
        assert [f.code for f in document.findings] == ["intake_failed"]
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_id == document_id)
        ).all()
        assert actions[-2:] == ["document.intake_failed", "document.lease_released"]


def test_an_admin_release_queues_a_live_job_and_its_worker_cannot_store_its_result(
    settings: Settings, database: Database, store: LocalObjectStore, live_pid: int
) -> None:
    document_id = upload_scan(settings, database, store, 77)
    holder = _holder(live_pid)
    claim = _claim(database, document_id, holder)
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        release_document(session, document, actor=SYSTEM, reason="OCR hangs on page 3")
    assert _state(database, document_id) == ("queued", None, 1)
    with database.transaction() as session:
        assert not renew_lease(session, claim, worker=holder, lease=LEASE)
    with (
        pytest.raises(ConflictError, match="no longer held"),
        database.transaction() as session,
    ):
        finish_job(session, claim, worker=holder, outcome=intake_outcome())
    with database.transaction() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document.lease_released")
        ).one()
        assert event.after == {"status": "queued", "reason": "OCR hangs on page 3"}
        assert event.before is not None
        assert event.before["leased_by"] == holder
        with pytest.raises(ConflictError, match="queued, not processing"):
            release_document(
                session, session.get_one(Document, document_id), actor=SYSTEM, reason="x"
            )


def test_a_renewed_lease_runs_from_now_and_only_for_its_holder(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 78)
    claim = _claim(database, document_id, "w")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    past_first = claim.lease_expires_at + dt.timedelta(seconds=1)
    with database.transaction() as session:
        assert not renew_lease(session, claim, worker="other", lease=LEASE, now=later)
        assert renew_lease(session, claim, worker="w", lease=LEASE, now=later)
    with database.transaction() as session:
        expires = session.get_one(Document, document_id).lease_expires_at
        assert expires is not None
        assert expires.replace(tzinfo=dt.UTC) == later + LEASE
        assert claim_next(session, worker="x", lease=LEASE, now=past_first) is None
