"""``back_up`` and ``restore``: a whole installation to a directory and back.

A backup directory holds::

    backup.json            what was backed up (format, database kind, whether objects are in it)
    database.sqlite|.pgdump  a consistent snapshot (SQLite online backup, or pg_dump custom)
    manifest.jsonl         every object of the store: key, size, sha256, content type
    objects/ab/<sha256>    the objects themselves (always for the local store; S3 on request)
    records/audit/...      the store's records: the signed audit checkpoints
    audit.key              the key that signs them (mode 0600: the backup is a secret)
    SHA256SUMS             written last, over every other file

The database is dumped before the objects are listed: objects are content-addressed and never
removed, so every original the dump names is in the manifest. A second run into the same
directory resumes: objects already copied with the right digest are not copied again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from archive._errors import ConflictError
from archive.backup._database import (
    database_kind,
    database_summary,
    dump_database,
    dump_file_name,
    load_database,
    table_names,
)
from archive.backup._errors import BackupDamagedError
from archive.backup._files import SUMS, copy_object, verify_sums, write_atomically, write_sums
from archive.db import Database
from archive.storage import LocalObjectStore, ObjectInfo, ObjectStore, S3ObjectStore

FORMAT = "yekuo-backup/1"
RECORDS = "audit/"
# What the first steps of a run write: a directory holding one is an earlier (maybe
# interrupted) backup that a new run may refresh.
_OWN_FILES = ("backup.json", "manifest.jsonl", "database.sqlite", "database.pgdump")


@dataclass(frozen=True)
class BackupReport:
    """What one ``back_up`` run did."""

    objects: int
    copied: int
    already_there: int
    records: int
    files: int


@dataclass(frozen=True)
class RestoreReport:
    """What ``restore`` put back, and the restored database's counts and audit head."""

    objects: int
    records: int
    summary: dict[str, object]


def back_up(
    *,
    database: Database,
    store: ObjectStore,
    audit_key_file: Path,
    target: Path,
    copy_objects: bool,
) -> BackupReport:
    """Write a backup of the installation to ``target`` (see the module's docstring)."""
    _prepare(target)
    kind = database_kind(database.url)
    dump = target / dump_file_name(kind)
    partial = target / f".part-{dump.name}"
    dump_database(url=database.url, target=partial)
    os.replace(partial, dump)
    objects = sorted(store.list(), key=lambda info: info.sha256)
    _write_manifest(target, objects)
    copied = 0
    if copy_objects:
        for info in objects:
            copied += copy_object(store, sha256=info.sha256, target=_object_file(target, info))
    records = store.list_records(RECORDS)
    for name in records:
        write_atomically(target / "records" / name, [store.get_record(name)])
    if audit_key_file.is_file():
        write_atomically(target / "audit.key", [audit_key_file.read_bytes()], mode=0o600)
    meta = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": kind,
        "objects_copied": copy_objects,
    }
    write_atomically(target / "backup.json", [json.dumps(meta, indent=2).encode()])
    files = write_sums(target)
    already = len(objects) - copied if copy_objects else 0
    return BackupReport(len(objects), copied, already, len(records), files)


def restore(
    *, database: Database, store: ObjectStore, audit_key_file: Path, source: Path
) -> RestoreReport:
    """Restore the backup in ``source`` into an empty installation; verified before it starts.

    Refuses (``BackupDamagedError``) a backup that is incomplete or whose files changed, and
    (``ConflictError``) a target that is not empty. The database is loaded last, so a restore
    that fails half-way can simply be run again.
    """
    verify_sums(source)
    meta = _read_meta(source)
    manifest = _read_manifest(source)
    _require_empty(database, store, audit_key_file, source=source, meta=meta, manifest=manifest)
    if meta.objects_copied:
        for info in manifest.values():
            with _object_file(source, info).open("rb") as stream:
                store.put(
                    stream, sha256=info.sha256, size=info.size, content_type=info.content_type
                )
    else:
        _require_objects_present(store, manifest, source=source)
    records = sorted(_backed_up_records(source))
    for name in records:
        store.put_record(name, (source / "records" / name).read_bytes())
    key = source / "audit.key"
    if key.is_file() and not audit_key_file.is_file():
        write_atomically(audit_key_file, [key.read_bytes()], mode=0o600)
    load_database(url=database.url, source=source / dump_file_name(meta.database))
    database.upgrade()
    return RestoreReport(len(manifest), len(records), database_summary(database))


def _prepare(target: Path) -> None:
    """Refuse a directory holding something else; drop the checksum file of an earlier run."""
    holds_other_files = target.is_dir() and any(target.iterdir())
    if holds_other_files and not any((target / name).is_file() for name in _OWN_FILES):
        raise ConflictError(
            f"{target} is not empty and holds no yekuo backup: back up into a new directory "
            "(or into one an earlier `yekuo backup` wrote, to refresh or finish it)"
        )
    target.mkdir(parents=True, exist_ok=True)
    # Until the new SHA256SUMS is written, the directory is an interrupted backup.
    (target / SUMS).unlink(missing_ok=True)


@dataclass(frozen=True)
class _Meta:
    database: str
    objects_copied: bool


def _read_meta(source: Path) -> _Meta:
    meta = json.loads((source / "backup.json").read_text("utf-8"))
    if meta.get("format") != FORMAT:
        raise BackupDamagedError(
            f"{source} is not a {FORMAT} backup (format {meta.get('format')!r}): restore it "
            "with the yekuo version that wrote it"
        )
    return _Meta(database=str(meta["database"]), objects_copied=bool(meta["objects_copied"]))


def _object_file(root: Path, info: ObjectInfo) -> Path:
    return root / "objects" / info.sha256[:2] / info.sha256


def _write_manifest(target: Path, objects: list[ObjectInfo]) -> None:
    lines = (
        json.dumps(
            {
                "key": info.sha256,
                "size": info.size,
                "sha256": info.sha256,
                "content_type": info.content_type,
            }
        )
        + "\n"
        for info in objects
    )
    write_atomically(target / "manifest.jsonl", [line.encode() for line in lines])


def _read_manifest(source: Path) -> dict[str, ObjectInfo]:
    objects: dict[str, ObjectInfo] = {}
    for line in (source / "manifest.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        objects[item["sha256"]] = ObjectInfo(item["sha256"], item["size"], item["content_type"])
    return objects


def _backed_up_records(source: Path) -> list[str]:
    root = source / "records"
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]


def _require_empty(
    database: Database,
    store: ObjectStore,
    audit_key_file: Path,
    *,
    source: Path,
    meta: _Meta,
    manifest: dict[str, ObjectInfo],
) -> None:
    """Raise ``ConflictError`` unless the target holds nothing but what this backup restores.

    What an interrupted restore of this same backup left (its objects, records, key) is allowed,
    so that the restore can be run again.
    """
    kind = database_kind(database.url)
    if meta.database != kind:
        raise ConflictError(
            f"the backup {source} holds a {meta.database} database and YEKUO_DATABASE_URL "
            f"names a {kind} one: restore it into a {meta.database} database"
        )
    tables = table_names(database)
    if tables:
        raise ConflictError(
            f"the database is not empty ({len(tables)} tables, e.g. {sorted(tables)[0]}): "
            "restore only into an empty installation; create a new database (or data "
            "directory) and point YEKUO_DATABASE_URL / YEKUO_DATA_DIR at it"
        )
    foreign = [info.sha256 for info in store.list() if info.sha256 not in manifest]
    records = set(_backed_up_records(source))
    foreign += [name for name in store.list_records("") if name not in records]
    if foreign:
        raise ConflictError(
            f"the object store {_describe(store)} is not empty ({len(foreign)} objects or "
            f"records not in this backup, e.g. {foreign[0]}): restore into an empty store"
        )
    key = source / "audit.key"
    if (
        audit_key_file.is_file()
        and key.is_file()
        and key.read_bytes() != audit_key_file.read_bytes()
    ):
        raise ConflictError(
            f"the audit key {audit_key_file} exists and is not the backup's: restore into an "
            "empty installation (or remove that key if nothing was ever signed with it)"
        )


def _require_objects_present(
    store: ObjectStore, manifest: dict[str, ObjectInfo], *, source: Path
) -> None:
    missing = [sha256 for sha256 in manifest if store.head(sha256) is None]
    if missing:
        raise BackupDamagedError(
            f"the backup {source} holds only the manifest of its objects, and {len(missing)} of "
            f"them are not in the object store {_describe(store)} (e.g. {missing[0]}): restore "
            "the bucket from its replica or versions first, then run `yekuo restore` again"
        )


def _describe(store: ObjectStore) -> str:
    if isinstance(store, LocalObjectStore):
        return str(store.root)
    return f"bucket {store.bucket}" if isinstance(store, S3ObjectStore) else "configured"
