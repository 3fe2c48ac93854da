"""The restore drill: back up an installation, restore it into an empty one, find it the same.

Runs on the test database (SQLite, or PostgreSQL under ``YEKUO_TEST_DATABASE=postgresql``, where
``pg_dump`` and ``pg_restore`` do the work): after `yekuo restore`, `yekuo verify` is clean, the
cases, documents and audit head are those backed up, and `yekuo reindex` rebuilds search with the
same hits. A backup with one byte changed is refused naming the file; a non-empty target too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from archive import Case, Document, LocalObjectStore, open_database
from archive.backup._database import database_summary
from core import Settings
from tests.databases import fresh_postgres_database, postgres_server_url, selected_database
from tests.e2e.helpers import ApiClient, png_bytes, run_yekuo
from tests.intake_jobs import intake_outcome
from worker import Attempt, IntakeWorker, WorkerParts


@contextmanager
def _empty_installation(tmp_path: Path) -> Iterator[Settings]:
    """A new data directory and an empty database of the kind the tests run on."""
    data_dir = tmp_path / "restored"
    if selected_database() == "postgresql":
        server = postgres_server_url()
        assert server is not None, "the settings fixture already required the server"
        with fresh_postgres_database(server) as url:
            yield Settings(data_dir=data_dir, database_url=url, _env_file=None)
    else:
        yield Settings(data_dir=data_dir, _env_file=None)


def _filled(client: ApiClient, settings: Settings) -> None:
    """Two cases, three scans, each taken through intake, the audit trail anchored."""
    for case_no, seeds in (("YK-BK-1", (1, 2)), ("YK-BK-2", (3,))):
        assert client.create_case(case_no).status_code == 201
        for seed in seeds:
            uploaded = client.upload(case_no, png_bytes(seed), filename=f"scan-{seed}.png")
            assert uploaded.status_code == 202, uploaded.text
            with open_database(settings) as database:
                parts = WorkerParts(
                    database=database,
                    store=LocalObjectStore(settings.resolved_object_store_dir),
                    settings=settings,
                    analyse=lambda path, *, media_type, hint: intake_outcome(),
                )
                worker = IntakeWorker(parts, name="drill")
                assert worker.run(uploaded.json()["document_id"]) == Attempt(claimed=True)
    anchored = run_yekuo(settings, "verify")
    assert anchored.returncode == 0, anchored.stdout + anchored.stderr


def _rows(settings: Settings) -> dict[str, object]:
    with open_database(settings) as database:
        with database.transaction() as session:
            cases = sorted(session.scalars(select(Case.case_no)))
            documents = sorted(
                (d.id, d.sha256, d.status) for d in session.scalars(select(Document))
            )
        return {"cases": cases, "documents": documents, **database_summary(database)}


def _hits(settings: Settings) -> list[str]:
    searched = run_yekuo(settings, "search", "王小明", "--json")
    assert searched.returncode == 0, searched.stderr
    return sorted(hit["document_id"] for hit in json.loads(searched.stdout)["hits"])


@pytest.mark.timeout(240)
def test_a_restored_backup_verifies_and_holds_the_same_cases_documents_and_audit_head(
    client: ApiClient, settings: Settings, tmp_path: Path
) -> None:
    _filled(client, settings)
    assert run_yekuo(settings, "reindex").returncode == 0
    hits = _hits(settings)
    assert len(hits) == 3
    backup = tmp_path / "backup"
    written = run_yekuo(settings, "backup", str(backup))
    assert written.returncode == 0, written.stderr
    assert "3 originals copied, 0 already there" in written.stdout
    again = run_yekuo(settings, "backup", str(backup))
    assert "0 originals copied, 3 already there" in again.stdout, again.stdout + again.stderr
    before = _rows(settings)

    with _empty_installation(tmp_path) as target:
        restored = run_yekuo(target, "restore", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert "2 cases, 3 documents" in restored.stdout
        assert _rows(target) == before
        verified = run_yekuo(target, "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "all originals intact" in verified.stdout
        assert run_yekuo(target, "reindex").returncode == 0
        assert _hits(target) == hits

        refused = run_yekuo(target, "restore", str(backup))
        assert refused.returncode == 4, "a restore into a non-empty installation is a conflict"
        assert "the database is not empty" in refused.stderr


def test_a_backup_with_one_byte_changed_is_refused_naming_the_file(
    client: ApiClient, settings: Settings, tmp_path: Path
) -> None:
    assert client.create_case("YK-BK-3").status_code == 201
    uploaded = client.upload("YK-BK-3", png_bytes(7), filename="scan.png").json()
    backup = tmp_path / "backup"
    assert run_yekuo(settings, "backup", str(backup)).returncode == 0
    sha256 = uploaded["sha256"]
    damaged = backup / "objects" / sha256[:2] / sha256
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0x01
    damaged.write_bytes(bytes(content))

    with _empty_installation(tmp_path) as target:
        refused = run_yekuo(target, "restore", str(backup))
        assert refused.returncode == 6, refused.stdout + refused.stderr
        assert f"objects/{sha256[:2]}/{sha256} does not match its checksum" in refused.stderr
        assert not (target.data_dir / "objects").exists() or not any(
            LocalObjectStore(target.resolved_object_store_dir).list()
        ), "nothing restored from a damaged backup"

        (backup / "SHA256SUMS").unlink()
        interrupted = run_yekuo(target, "restore", str(backup))
        assert interrupted.returncode == 6
        assert "not a complete backup" in interrupted.stderr
        assert "run `yekuo backup" in interrupted.stderr
