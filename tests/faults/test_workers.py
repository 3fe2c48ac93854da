"""Two `yekuo worker` processes on the PostgreSQL queue; one is killed -9 in the middle of a job.

The killed worker's job is queued again when a worker starts on the same host (as a supervisor
restarts the one that died: audited ``document.lease_released``), and every document is done
exactly once, whichever worker ran it; `yekuo verify` finds every original intact.
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from archive import AuditEvent, Document, LocalObjectStore, open_database
from core import Settings
from synthetic import png_bytes, render
from tests.databases import fresh_postgres_database
from tests.e2e.helpers import run_yekuo
from tests.faults._installation import finished_once, role_tokens, yekuo_worker
from tests.faults._servers import PrivateServers
from tests.intake_jobs import upload_file

DOCUMENTS = 6


@pytest.fixture
def installation(private_servers: PrivateServers, tmp_path: Path) -> Iterator[Settings]:
    """An installation on a fresh database of the private PostgreSQL (the queue is there too)."""
    server = private_servers.test_environment()["YEKUO_TEST_DATABASE_URL"]
    with fresh_postgres_database(server) as url:
        yield Settings(data_dir=tmp_path / "data", database_url=url, _env_file=None)


def _states(settings: Settings) -> list[tuple[str, str, str | None]]:
    with open_database(settings) as database, database.transaction() as session:
        return [(d.id, d.status, d.leased_by) for d in session.scalars(select(Document))]


def _wait(settings: Settings, seconds: float, done: object) -> list[tuple[str, str, str | None]]:
    deadline = time.monotonic() + seconds
    while True:
        states = _states(settings)
        if callable(done) and done(states):
            return states
        assert time.monotonic() < deadline, f"waited {seconds} s; documents: {states}"
        time.sleep(0.3)


def _kill_mid_job(settings: Settings, worker: subprocess.Popen[bytes]) -> list[str]:
    """Kill ``worker`` -9 while it holds a job; the documents it held then.

    The worker is stopped (SIGSTOP) before its jobs are read, so that it cannot finish the job
    seen and take the next one between the reading and the kill.
    """
    held = re.compile(rf"-{worker.pid}-")

    def holding(rows: list[tuple[str, str, str | None]]) -> list[str]:
        return [d for d, s, h in rows if s == "processing" and held.search(h or "")]

    deadline = time.monotonic() + 120
    while True:
        _wait(settings, max(deadline - time.monotonic(), 1), lambda rows: bool(holding(rows)))
        worker.send_signal(signal.SIGSTOP)
        if lost := holding(_states(settings)):
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            return lost
        worker.send_signal(signal.SIGCONT)  # it finished that job just before it stopped


@pytest.mark.timeout(280)
def test_a_worker_killed_mid_job_loses_no_job_and_runs_none_twice(
    installation: Settings, tmp_path: Path
) -> None:
    settings = installation
    role_tokens(settings)  # migrates the database before the workers start
    store = LocalObjectStore(settings.resolved_object_store_dir)
    rng = random.Random(18)
    with open_database(settings) as database:
        ids = [
            upload_file(
                settings,
                database,
                store,
                png_bytes(render("id_card", rng).images[0]),
                case_no=f"YK-W{n}",
                filename=f"id-{n}.png",
            )
            for n in range(DOCUMENTS)
        ]
    log = tmp_path / "workers.log"
    doomed, survivor = yekuo_worker(settings, log), yekuo_worker(settings, log)
    replacement: subprocess.Popen[bytes] | None = None
    try:
        lost = _kill_mid_job(settings, doomed)
        replacement = yekuo_worker(settings, log)  # the supervisor restarts the dead worker
        _wait(settings, 150, lambda rows: {s for _, s, _ in rows} <= {"done", "failed"})
    finally:
        for process in (doomed, survivor, replacement):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=60)
    assert len(lost) == 1
    assert finished_once(settings, ids) == dict.fromkeys(ids, 1), log.read_text()[-3000:]
    assert {s for _, s, _ in _states(settings)} == {"done"}
    with open_database(settings) as database, database.transaction() as session:
        released = session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "document.lease_released")
        ).all()
    assert released == lost, "the dead worker's job was given back, audited"
    verified = run_yekuo(settings, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
