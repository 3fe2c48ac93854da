"""Backups through the interfaces: an object store failing mid-backup, then the run resumed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import ConflictError, Database, LocalObjectStore, ObjectStoreError
from archive.backup import BackupDamagedError, back_up, restore
from archive.backup._files import SUMS
from core import Settings
from tests.databases import database_url_for_test
from tests.intake_jobs import upload_scan


class FailingReads(LocalObjectStore):
    """A real local store whose reads fail from the ``fail_at``-th on (a store going away)."""

    fail_at = 0
    reads = 0

    def open_chunks(self, sha256: str) -> Iterator[bytes]:
        self.reads += 1
        if self.fail_at and self.reads >= self.fail_at:
            raise ObjectStoreError(f"the object store did not answer reading {sha256}")
        return super().open_chunks(sha256)


def _back_up(database: Database, store: LocalObjectStore, settings: Settings, target: Path) -> int:
    report = back_up(
        database=database,
        store=store,
        audit_key_file=settings.resolved_audit_key_file,
        target=target,
        copy_objects=True,
    )
    return report.copied


def test_an_interrupted_backup_is_no_backup_until_resumed_then_restores_whole(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    store = FailingReads(settings.resolved_object_store_dir)
    for seed in (1, 2, 3):
        upload_scan(settings, database, store, seed)
    target = tmp_path / "backup"
    store.fail_at = 2
    with pytest.raises(ObjectStoreError, match="did not answer"):
        _back_up(database, store, settings, target)
    assert not (target / SUMS).exists(), "an interrupted backup must not look complete"
    assert len(list((target / "objects").rglob("*/*"))) == 1
    empty = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    with empty, pytest.raises(BackupDamagedError, match="was interrupted"):
        restore(
            database=empty,
            store=LocalObjectStore(tmp_path / "empty-objects"),
            audit_key_file=tmp_path / "empty.key",
            source=target,
        )

    store.fail_at = 0
    assert _back_up(database, store, settings, target) == 2, "the one already copied is kept"

    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    with database_url_for_test(restored_dir) as url, Database(url) as restored:
        report = restore(
            database=restored,
            store=LocalObjectStore(tmp_path / "restored-objects"),
            audit_key_file=tmp_path / "restored.key",
            source=target,
        )
    assert (report.objects, report.summary["cases"], report.summary["documents"]) == (3, 3, 3)


def test_a_backup_refuses_a_directory_holding_other_files(
    settings: Settings, database: Database, store: LocalObjectStore, tmp_path: Path
) -> None:
    target = tmp_path / "photos"
    target.mkdir()
    (target / "holiday.jpg").write_bytes(b"...")
    with pytest.raises(ConflictError, match="holds no yekuo backup"):
        _back_up(database, store, settings, target)
    assert sorted(p.name for p in target.iterdir()) == ["holiday.jpg"]


def test_a_manifest_only_backup_restores_only_where_every_listed_original_already_is(
    settings: Settings, database: Database, store: LocalObjectStore, tmp_path: Path
) -> None:
    """As with S3, whose bucket versioning or replication keeps the originals, not the backup."""
    upload_scan(settings, database, store, 5)
    target = tmp_path / "backup"
    back_up(
        database=database,
        store=store,
        audit_key_file=settings.resolved_audit_key_file,
        target=target,
        copy_objects=False,
    )
    assert not (target / "objects").exists()
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    with database_url_for_test(restored_dir) as url, Database(url) as restored:
        with pytest.raises(BackupDamagedError, match="1 of them are not in the object store"):
            restore(
                database=restored,
                store=LocalObjectStore(tmp_path / "empty-objects"),
                audit_key_file=tmp_path / "restored.key",
                source=target,
            )
        report = restore(
            database=restored,
            store=store,  # the store the originals never left
            audit_key_file=tmp_path / "restored.key",
            source=target,
        )
    assert (report.objects, report.summary["documents"]) == (1, 1)
