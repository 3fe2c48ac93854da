"""ObjectStore on a local directory: atomic, fsynced, content-addressed files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from archive._errors import ObjectNotFoundError, ObjectStoreError
from archive.storage._protocol import (
    CHUNK_SIZE,
    ObjectInfo,
    mismatch_message,
    require_record_name,
    require_sha256,
    sha256_of_file,
)
from core import Closing

STALE_TEMPORARY_SECONDS = 6 * 3600


class LocalObjectStore(Closing):
    """Objects as files ``<root>/ab/cd/<sha256>`` with a ``.json`` sidecar for metadata.

    Records are files under ``<root>/records/``, written atomically the same way.

    A put copies into a temporary file in ``<root>/.tmp`` while hashing, fsyncs it, renames it
    into place only if the hash matches and fsyncs the directory, so a crash leaves either the
    whole object or none of it. Old temporary files a crash left behind are removed at start.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._tmp = root / ".tmp"
        self._records = root / "records"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._remove_stale_temporaries()

    def put(self, stream: BinaryIO, *, sha256: str, size: int, content_type: str) -> ObjectInfo:
        """Store the bytes of ``stream`` under ``sha256`` (see ObjectStore)."""
        require_sha256(sha256)
        existing = self.head(sha256)
        if existing is not None:
            return existing
        target = self._path(sha256)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._unwritable(exc) from exc
        self._write_atomically(target.with_suffix(".json"), self._meta(size, content_type))
        self._copy_atomically(stream, target, sha256=sha256, size=size)
        return ObjectInfo(sha256=sha256, size=size, content_type=content_type)

    def head(self, sha256: str) -> ObjectInfo | None:
        """What is stored under ``sha256``, or None."""
        target = self._path(require_sha256(sha256))
        if not target.is_file():
            return None
        content_type = "application/octet-stream"
        meta = target.with_suffix(".json")
        if meta.is_file():
            content_type = json.loads(meta.read_text("utf-8")).get("content_type", content_type)
        return ObjectInfo(sha256=sha256, size=target.stat().st_size, content_type=content_type)

    def open_chunks(self, sha256: str) -> Iterator[bytes]:
        """The object's bytes in chunks."""
        target = self._existing(sha256)
        with target.open("rb") as handle:
            while chunk := handle.read(CHUNK_SIZE):
                yield chunk

    def get_bytes(self, sha256: str) -> bytes:
        """The whole object."""
        return self._existing(sha256).read_bytes()

    def list(self) -> Iterator[ObjectInfo]:
        """Every complete object (temporary files and sidecars are not objects)."""
        for path in self.root.glob("??/??/*"):
            if path.suffix == "" and path.is_file():
                info = self.head(path.name)
                if info is not None:
                    yield info

    def verify(self, sha256: str) -> bool:
        """Whether the file still hashes to its name."""
        return sha256_of_file(self._existing(sha256)) == sha256

    def delete(self, sha256: str) -> bool:
        """Remove the file and its sidecar; whether there was a file."""
        target = self._path(require_sha256(sha256))
        try:
            target.with_suffix(".json").unlink(missing_ok=True)
            target.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise self._unwritable(exc) from exc
        _fsync_dir(target.parent)
        return True

    def check(self) -> None:
        """Raise ObjectStoreError if the directory cannot be written."""
        try:
            with tempfile.NamedTemporaryFile(dir=self._tmp) as probe:
                probe.write(b"ok")
                probe.flush()
        except OSError as exc:
            raise ObjectStoreError(
                f"the object store directory {self.root} cannot be written: {exc}; "
                "check YEKUO_OBJECT_STORE_DIR and its permissions"
            ) from exc

    def put_record(self, name: str, data: bytes) -> None:
        """Write the record atomically under ``<root>/records/``."""
        target = self._records / require_record_name(name)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ObjectStoreError(f"could not write record {name} in {self.root}: {exc}") from exc
        self._write_atomically(target, data)
        _fsync_dir(target.parent)

    def get_record(self, name: str) -> bytes:
        """The record's bytes."""
        target = self._records / require_record_name(name)
        if not target.is_file():
            raise ObjectNotFoundError(f"no record {name} in the store at {self.root}")
        return target.read_bytes()

    def list_records(self, prefix: str) -> tuple[str, ...]:
        """Names of the records whose name starts with ``prefix``, ascending."""
        if not self._records.is_dir():
            return ()
        names = (
            path.relative_to(self._records).as_posix()
            for path in self._records.rglob("*")
            if path.is_file()
        )
        return tuple(sorted(name for name in names if name.startswith(prefix)))

    def close(self) -> None:
        """Nothing to release for a directory."""

    def _remove_stale_temporaries(self) -> None:
        # Only a process that died mid-put leaves old ones; they were never objects. Young ones
        # may belong to another process (a worker) writing right now, so they are left alone.
        cutoff = time.time() - STALE_TEMPORARY_SECONDS
        for leftover in self._tmp.glob("*"):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime < cutoff:
                    leftover.unlink()

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _existing(self, sha256: str) -> Path:
        target = self._path(require_sha256(sha256))
        if not target.is_file():
            raise ObjectNotFoundError(f"no object {sha256} in the store at {self.root}")
        return target

    @staticmethod
    def _meta(size: int, content_type: str) -> bytes:
        return json.dumps({"size": size, "content_type": content_type}).encode()

    def _copy_atomically(self, stream: BinaryIO, target: Path, *, sha256: str, size: int) -> None:
        fd, tmp_name = self._temporary("put-")
        try:
            digest, written = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK_SIZE):
                    digest.update(chunk)
                    written += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha256 or written != size:
                raise ObjectStoreError(
                    mismatch_message(
                        sha256=sha256,
                        size=size,
                        actual_sha256=digest.hexdigest(),
                        actual_size=written,
                    )
                )
            os.replace(tmp_name, target)
            _fsync_dir(target.parent)
        except OSError as exc:
            Path(tmp_name).unlink(missing_ok=True)
            raise ObjectStoreError(
                f"could not store object {target.name} in {self.root}: {exc}; "
                "check free disk space and permissions, then upload again"
            ) from exc
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def _temporary(self, prefix: str) -> tuple[int, str]:
        try:
            return tempfile.mkstemp(dir=self._tmp, prefix=prefix)
        except OSError as exc:
            raise self._unwritable(exc) from exc

    def _unwritable(self, exc: OSError) -> ObjectStoreError:
        return ObjectStoreError(
            f"the local object store {self.root} cannot be written ({exc.strerror or exc}); "
            "nothing was stored: check YEKUO_OBJECT_STORE_DIR, its free space and whether it is "
            "mounted read-only, then upload again"
        )

    def _write_atomically(self, target: Path, data: bytes) -> None:
        fd, tmp_name = self._temporary("meta-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, target)
        except OSError as exc:
            Path(tmp_name).unlink(missing_ok=True)
            raise ObjectStoreError(
                f"could not write {target.name} in {self.root}: {exc}; check the disk and its "
                "permissions"
            ) from exc


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
