"""PostgreSQL crashes twice under a 50-document batch, while uploads and intake jobs run.

A real ``yekuo serve`` takes the batch from four threads at once; PostgreSQL is crashed
(``pg_ctl -m immediate``) while uploads are in flight and started again while the batch goes
on. Every answer is 202, or 503 ``database_unavailable`` saying to try again: never a 500,
never a hang; ``/healthz`` names the database meanwhile. Once ``/healthz`` is 200 again (the
app recovers by itself), the archivist sends again what was refused, and what was in flight
at the crash or answered just before it, unsure those answers arrived. The same bytes on the
same case give back the document already stored (200 ``duplicate``, its id), so neither a
re-sent upload nor one whose commit went through but whose answer was lost is stored twice.

Two real ``yekuo worker`` processes (real OCR) then read the batch; PostgreSQL is crashed
again while each holds a job, and kept down until both have met the outage storing what they
read. The workers live through it by themselves and store those results once the database is
back (each held job done on its first attempt, not read again after its lease). In the end the
case holds the 50 documents, each once and done, each intake finished exactly once, and
``yekuo verify`` finds every original intact. About 50 s.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from archive import Document, Role, open_database
from core import Settings
from tests.databases import fresh_postgres_database
from tests.e2e.helpers import API, case_body, png_bytes, run_yekuo
from tests.faults._installation import (
    fault_settings,
    finished_once,
    role_tokens,
    yekuo_process,
    yekuo_worker,
)
from tests.faults._servers import Postgres, PrivateServers

BATCH = 50
THREADS = 4
CRASH_AFTER = 12  # answers before the first crash
OUTAGE_SECONDS = 1.5
PACE_SECONDS = 0.25  # between a thread's uploads: the batch spans the outage
STORE_SECONDS = 10.0  # a worker reads a scan and tries to store its result within this
UNSURE_SECONDS = 0.5  # answers this close to the crash may not have reached the scanner
ANSWER_SECONDS = 30  # an answer that takes longer is a hang
CASE = "YK-PG"


@pytest.fixture
def installation(private_servers: PrivateServers, tmp_path: Path) -> Iterator[Settings]:
    """An installation on a fresh database of the private PostgreSQL."""
    server = private_servers.test_environment()["YEKUO_TEST_DATABASE_URL"]
    with fresh_postgres_database(server) as url:
        yield fault_settings(tmp_path, url)


@dataclass(frozen=True)
class Answer:
    """What one upload of the batch was answered, and when it was sent and answered."""

    seed: int
    status: int
    body: dict[str, Any]
    sent: float
    answered: float


class Archivist:
    """Sends a case's scans to the real API as the archivist (and reads it as the auditor)."""

    def __init__(self, url: str, tokens: dict[Role, str]) -> None:
        self.http = httpx.Client(base_url=url, timeout=ANSWER_SECONDS)
        self.tokens = tokens

    def call(self, method: str, path: str, role: Role, **kwargs: Any) -> httpx.Response:
        """One request under /api/v1 as ``role``."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return self.http.request(method, API + path, headers=headers, **kwargs)

    def upload(self, seed: int) -> Answer:
        """Upload scan ``seed`` of the batch; a hang fails the test (``ANSWER_SECONDS``)."""
        sent = time.monotonic()
        answer = self.call(
            "POST",
            f"/cases/{CASE}/documents",
            Role.archivist,
            files={"file": (f"{seed}.png", png_bytes(1000 + seed))},
        )
        json = answer.headers.get("content-type", "").startswith("application/json")
        body = answer.json() if json else {"text": answer.text}
        return Answer(seed, answer.status_code, body, sent, time.monotonic())

    def close(self) -> None:
        """Close the client's connections."""
        self.http.close()

    def until_healthy(self, seconds: float) -> None:
        """Wait until ``/healthz`` is 200 again (the app's own recovery, nothing reset)."""
        deadline = time.monotonic() + seconds
        while self.http.get("/healthz").status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover by itself"
            time.sleep(0.3)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def _serving(settings: Settings, log: Path) -> Iterator[str]:
    """A real ``yekuo serve`` on the installation (intake left to the workers); its URL."""
    port = _free_port()
    server = yekuo_process(
        settings, "serve", "--port", str(port), log=log, YEKUO_INTAKE_IN_PROCESS="false"
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"yekuo serve exited: {log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"yekuo serve never answered: {log.read_text()}"
            try:
                if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def _refused_for_the_database(answer: Answer) -> bool:
    """A 503 ``database_unavailable`` whose message says what failed and what to do."""
    if answer.status != 503 or answer.body.get("code") != "database_unavailable":
        return False
    message = str(answer.body.get("message"))
    return "database" in message and "try it again" in message


def _crash_during_batch(archivist: Archivist, postgres: Postgres) -> tuple[list[Answer], float]:
    """Upload the batch on ``THREADS`` threads at a scanner's uneven pace; crash PostgreSQL
    once ``CRASH_AFTER`` uploads are answered and others are in flight, and start it again
    while the batch goes on. ``/healthz`` names the database meanwhile. The answers, and when
    the crash began."""
    sent: list[int] = []
    answered: list[Answer] = []

    def upload(seed: int) -> Answer:
        sent.append(seed)
        answered.append(answer := archivist.upload(seed))
        time.sleep(PACE_SECONDS * (1 + seed % 5 / 5))
        return answer

    with ThreadPoolExecutor(THREADS, thread_name_prefix="upload") as pool:
        running = [pool.submit(upload, seed) for seed in range(BATCH)]
        while len(answered) < CRASH_AFTER or len(sent) - len(answered) < 2:
            assert not all(f.done() for f in running), "the batch ended before the crash"
            time.sleep(0.005)
        crashed_at = time.monotonic()
        postgres.crash()
        health = archivist.http.get("/healthz")
        time.sleep(OUTAGE_SECONDS)
        postgres.start()
        answers = [future.result(timeout=ANSWER_SECONDS) for future in running]
    assert health.status_code == 503, health.text
    assert health.json()["checks"]["database"] != "ok"
    return answers, crashed_at


def _send_batch(archivist: Archivist, postgres: Postgres) -> dict[int, str]:
    """Upload the batch through a crash, then send again what was refused, and what was in
    flight at the crash or answered in the moment before it; the document id of each scan."""
    answers, crashed_at = _crash_during_batch(archivist, postgres)
    unexpected = [a for a in answers if a.status != 202 and not _refused_for_the_database(a)]
    assert not unexpected, f"answers neither 202 nor 503 database_unavailable: {unexpected}"
    assert any(a.status == 503 for a in answers), "no upload met the outage"
    assert any(a.sent < crashed_at < a.answered for a in answers), "no upload was in flight"
    ids = {a.seed: str(a.body["document_id"]) for a in answers if a.status == 202}
    unsure = [
        a for a in answers if a.status != 202 or a.sent < crashed_at < a.answered + UNSURE_SECONDS
    ]
    assert any(a.seed in ids for a in unsure), "none was accepted just before the crash"
    archivist.until_healthy(seconds=30)
    for earlier in unsure:
        again = archivist.upload(earlier.seed)
        if earlier.seed in ids:  # answered 202: the same document, not a second one
            assert (again.status, again.body["duplicate"]) == (200, True), again
            assert again.body["document_id"] == ids[earlier.seed]
        else:  # refused: 202, or 200 if its commit went through but the answer was lost
            assert (again.status, again.body["duplicate"]) in ((202, False), (200, True)), again
            ids[earlier.seed] = str(again.body["document_id"])
    return ids


Jobs = dict[str, tuple[str, str | None]]
"""Each document's intake status and the worker holding its lease."""


def _jobs(settings: Settings) -> Jobs | None:
    """Every document's job; None while the database does not answer."""
    try:
        with open_database(settings) as database, database.transaction() as session:
            return {d.id: (d.status, d.leased_by) for d in session.scalars(select(Document))}
    except SQLAlchemyError:
        return None


def _attempts(settings: Settings, documents: list[str]) -> dict[str, int]:
    """How many times each of ``documents`` was claimed for intake."""
    with open_database(settings) as database, database.transaction() as session:
        found = session.scalars(select(Document).where(Document.id.in_(documents)))
        return {d.id: d.attempts for d in found}


def _held_by(jobs: Jobs, worker: subprocess.Popen[bytes]) -> list[str]:
    """The jobs ``worker`` holds (its pid is in the lease's holder)."""
    holder = re.compile(rf"-{worker.pid}-")
    return [d for d, (s, by) in jobs.items() if s == "processing" and holder.search(by or "")]


def _crash_while_held(
    settings: Settings, postgres: Postgres, workers: list[subprocess.Popen[bytes]], log: Path
) -> list[str]:
    """Crash PostgreSQL while every worker holds a job, start it again; the jobs held then
    whose workers met the outage storing their results.

    The workers are stopped (SIGSTOP) while the jobs are read again, so that none finishes
    between the reading and the crash. PostgreSQL stays down until the workers have tried to
    store what they read (``STORE_SECONDS`` at most): each then waits for the database.
    """
    deadline = time.monotonic() + 60
    while True:
        jobs = _jobs(settings) or {}
        assert any(s == "queued" for s, _ in jobs.values()), f"all read, no crash: {jobs}"
        assert time.monotonic() < deadline, f"the workers never held jobs together: {jobs}"
        if all(_held_by(jobs, worker) for worker in workers):
            for worker in workers:
                worker.send_signal(signal.SIGSTOP)
            held = [_held_by(_jobs(settings) or {}, worker) for worker in workers]
            if all(held):
                postgres.crash()
            for worker in workers:
                worker.send_signal(signal.SIGCONT)
            if all(held):
                waiting = _until_waiting([d for documents in held for d in documents], log)
                postgres.start()
                return waiting
        time.sleep(0.05)


def _until_waiting(documents: list[str], log: Path) -> list[str]:
    """The ``documents`` whose worker logged that it waits for the database to store their
    result; waits until all have, or ``STORE_SECONDS`` have passed."""
    deadline = time.monotonic() + STORE_SECONDS
    while True:
        text = log.read_text()
        waiting = [d for d in documents if f"storing the intake of {d}: the database does" in text]
        if waiting == documents or time.monotonic() > deadline:
            return waiting
        time.sleep(0.1)


def _until_finished(settings: Settings, seconds: float) -> dict[str, str]:
    """Wait until every document is done or failed; each one's status."""
    deadline = time.monotonic() + seconds
    while True:
        jobs = _jobs(settings)
        states = {d: status for d, (status, _) in (jobs or {}).items()}
        if states and set(states.values()) <= {"done", "failed"}:
            return states
        assert time.monotonic() < deadline, f"not finished within {seconds} s: {states}"
        time.sleep(0.5)


def _read_with_outage(
    settings: Settings, postgres: Postgres, log: Path
) -> tuple[list[str], dict[str, str]]:
    """Two real workers read the batch through a second crash; the jobs whose results met the
    outage and every document's status at the end. The workers must still run then."""
    workers = [yekuo_worker(settings, log), yekuo_worker(settings, log)]
    try:
        held = _crash_while_held(settings, postgres, workers, log)
        states = _until_finished(settings, seconds=100)
        alive = [worker.poll() is None for worker in workers]
        assert alive == [True, True], f"a worker did not survive: {log.read_text()[-3000:]}"
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
            worker.wait(timeout=60)
    assert [worker.returncode for worker in workers] == [0, 0], log.read_text()[-3000:]
    assert " died!" not in log.read_text(), log.read_text()[-3000:]  # huey lost a thread
    return held, states


@pytest.mark.timeout(240)
def test_postgres_crashing_under_uploads_and_workers_loses_nothing_and_stores_nothing_twice(
    installation: Settings, postgres: Postgres, tmp_path: Path
) -> None:
    settings = installation
    tokens = role_tokens(settings)
    with ExitStack() as stack:
        url = stack.enter_context(_serving(settings, tmp_path / "serve.log"))
        archivist = stack.enter_context(closing(Archivist(url, tokens)))
        created = archivist.call("POST", "/cases", Role.archivist, json=case_body(CASE))
        assert created.status_code == 201, created.text
        ids = _send_batch(archivist, postgres)
        assert sorted(ids) == list(range(BATCH))
        assert len(set(ids.values())) == BATCH, "two scans became one document"
        waited, states = _read_with_outage(settings, postgres, tmp_path / "workers.log")
        archivist.until_healthy(seconds=30)
        case = archivist.call("GET", f"/cases/{CASE}", Role.auditor)
        assert case.status_code == 200, case.text
        documents = case.json()["documents"]
    accepted = list(ids.values())
    listed = [d["document_id"] for d in documents]
    assert sorted(listed) == sorted(accepted), "the case holds each scan once, none missing"
    assert {d["status"] for d in documents} == {"done"}
    assert set(states) == set(accepted)
    assert waited, "no worker met the outage storing a result"
    assert _attempts(settings, waited) == dict.fromkeys(waited, 1), "stored once back, not re-read"
    assert finished_once(settings, accepted) == dict.fromkeys(accepted, 1)
    verified = run_yekuo(settings, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
