"""Receiving an upload: streamed to a temporary file, size-limited and hashed on the way."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from archive._errors import EmptyUploadError, UnsupportedMediaTypeError, UploadTooLargeError
from core import Closing, boot_id, ended_here, process_tag
from intake import (
    ACCEPTED_DESCRIPTION,
    SNIFF_BYTES,
    MediaType,
    describe_unaccepted,
    sniff_media_type,
)

MAX_FILENAME_CHARS = 200
_TEMPORARY_KINDS = frozenset({"upload", "intake"})
_OTHER_BOOT_STALE_SECONDS = 24 * 3600


@dataclass
class SpooledUpload(Closing):
    """An upload held in a temporary file, with what was learnt while receiving it."""

    path: Path
    filename: str
    size: int
    sha256: str
    media_type: MediaType

    def open(self) -> BinaryIO:
        """The spooled bytes, for the object store."""
        return self.path.open("rb")

    def close(self) -> None:
        """Remove the temporary file."""
        self.path.unlink(missing_ok=True)


def clean_filename(raw: str | None) -> str:
    """The original filename as metadata: its last path part, printable, bounded.

    It is never used as a path; this only keeps ``../../etc/passwd`` or control characters
    out of what reviewers read and of Content-Disposition headers.
    """
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:MAX_FILENAME_CHARS] or "upload"


class UploadSpooler:
    """Writes one file part to a temporary file, enforcing the limit and hashing as it goes."""

    def __init__(self, *, tmp_dir: Path, max_bytes: int, filename: str | None) -> None:
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=temporary_prefix("upload"))
        self._handle = os.fdopen(fd, "wb")
        self._path = Path(name)
        self._max_bytes = max_bytes
        self._digest = hashlib.sha256()
        self._head = b""
        self.size = 0
        self.filename = clean_filename(filename)

    def write(self, chunk: bytes) -> None:
        """Append a chunk; refuse the upload as soon as it passes the limit."""
        self.size += len(chunk)
        if self.size > self._max_bytes:
            self.abort()
            raise UploadTooLargeError(too_large_message(self.filename, self._max_bytes))
        if len(self._head) < SNIFF_BYTES:
            self._head += chunk[: SNIFF_BYTES - len(self._head)]
        self._digest.update(chunk)
        self._handle.write(chunk)

    def finish(self) -> SpooledUpload:
        """Close the file and check it is a non-empty accepted type."""
        self._handle.close()
        if self.size == 0:
            self.abort()
            raise EmptyUploadError(
                f"{self.filename} is empty (0 bytes); upload the scan itself, "
                f"accepted are {ACCEPTED_DESCRIPTION}"
            )
        media_type = sniff_media_type(self._head)
        if media_type is None:
            self.abort()
            raise UnsupportedMediaTypeError(
                f"{self.filename} is {describe_unaccepted(self._head)}, whatever its name "
                f"says; accepted are {ACCEPTED_DESCRIPTION}"
            )
        return SpooledUpload(
            path=self._path,
            filename=self.filename,
            size=self.size,
            sha256=self._digest.hexdigest(),
            media_type=media_type,
        )

    def abort(self) -> None:
        """Throw the partial file away."""
        self._handle.close()
        self._path.unlink(missing_ok=True)


def temporary_prefix(kind: str) -> str:
    """The name prefix of a temporary file of ``kind``, naming the process that owns it."""
    return f"{kind}-{process_tag()}-"


def remove_orphaned_temporaries(tmp_dir: Path) -> int:
    """Remove the spooled uploads and intake copies that no running process owns.

    A file named by a process of this boot that no longer runs goes at once; one named by a
    process of another boot (or machine, if the directory is shared) goes once it is a day
    old. Files of live processes stay. Returns how many were removed.
    """
    removed = 0
    stale_before = time.time() - _OTHER_BOOT_STALE_SECONDS
    for path in tmp_dir.glob("*-*-*-*") if tmp_dir.is_dir() else ():
        kind, _, rest = path.name.partition("-")
        tag = "-".join(rest.split("-")[:2])
        if kind not in _TEMPORARY_KINDS:
            continue
        with contextlib.suppress(FileNotFoundError):
            if ended_here(tag) or (
                not tag.startswith(boot_id()) and path.stat().st_mtime < stale_before
            ):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink()
                removed += 1
    return removed


def too_large_message(filename: str, max_bytes: int) -> str:
    """Why an upload over the limit was refused, and what is accepted."""
    return (
        f"{filename} is larger than the upload limit of {max_bytes // (1024 * 1024)} MiB; "
        f"split the document or scan it at a lower resolution (accepted are {ACCEPTED_DESCRIPTION})"
    )
