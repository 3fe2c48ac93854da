"""The files of a backup directory: atomic writes, copied objects and the checksum file.

``SHA256SUMS`` (the format ``sha256sum -c`` reads) is written last and lists every other file:
a directory without it is an interrupted backup, and a file that no longer matches its line is
named before anything is restored.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.backup._errors import BackupDamagedError
from archive.storage import ObjectStore, sha256_of_file

SUMS = "SHA256SUMS"


def write_atomically(target: Path, chunks: Iterable[bytes], *, mode: int = 0o644) -> None:
    """Write ``target`` in full or not at all (a temporary file renamed into place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def copy_object(store: ObjectStore, *, sha256: str, target: Path) -> bool:
    """Copy one object out of the store unless ``target`` already holds it; whether it copied.

    A file left by an interrupted run with other bytes (cut short) is copied again.
    """
    if target.is_file() and sha256_of_file(target) == sha256:
        return False
    write_atomically(target, store.open_chunks(sha256))
    return True


def backup_files(root: Path) -> Iterator[Path]:
    """Every file of the backup in ``root`` (relative), but the checksum file and temporaries."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != SUMS and not path.name.startswith(".part-"):
            yield path.relative_to(root)


def write_sums(root: Path) -> int:
    """Write ``SHA256SUMS`` over every file of the backup; how many files it lists."""
    lines = [f"{sha256_of_file(root / name)}  {name.as_posix()}\n" for name in backup_files(root)]
    write_atomically(root / SUMS, ["".join(lines).encode()])
    return len(lines)


def verify_sums(root: Path) -> None:
    """Raise ``BackupDamagedError`` naming the first file missing or changed since the backup."""
    sums = root / SUMS
    if not sums.is_file():
        raise BackupDamagedError(
            f"{root} is not a complete backup (no {SUMS}): the backup was interrupted; run "
            f"`yekuo backup {root}` again to finish it, or restore another backup"
        )
    for line in sums.read_text("utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = root / name
        if not path.is_file():
            raise BackupDamagedError(
                f"the backup {root} is damaged: {name} is missing; restore another backup"
            )
        if sha256_of_file(path) != digest:
            raise BackupDamagedError(
                f"the backup {root} is damaged: {name} does not match its checksum in {SUMS}; "
                "restore another backup (or copy that file again from the backup's copy)"
            )
