"""The ObjectStore protocol: content-addressed storage of original scans and derived files."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

from archive._errors import ObjectStoreError

CHUNK_SIZE = 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
RECORD_NAME = re.compile(r"^[a-z0-9_-]+(?:/[a-z0-9_-]+)*(?:\.[a-z0-9]+)?$")
"""What a record's name may be: lower-case path segments, one optional extension."""


@dataclass(frozen=True)
class ObjectInfo:
    """What the store knows of one object."""

    sha256: str
    size: int
    content_type: str


@runtime_checkable
class ObjectStore(Protocol):
    """Content-addressed storage: an object's key is the sha256 of its bytes.

    Beside the objects, a store keeps *records*: small files under a name (``audit/...``)
    that yekuo writes once and never changes, such as the signed audit checkpoints that anchor
    the audit trail outside the database.

    Contract:
    - ``put`` MUST verify that the bytes read from ``stream`` hash to ``sha256`` and number
      ``size``, and refuse them with ``ObjectStoreError`` otherwise; it MUST make the object
      visible only once it is complete (a crash, or an error raised while reading ``stream``,
      leaves no object and no partial one), and it MUST be idempotent (putting an object that
      exists leaves it as it is and does not read the stream).
    - ``head`` MUST return None for a missing object; ``open_chunks``/``get_bytes`` MUST
      raise ``ObjectNotFoundError`` for one.
    - ``list`` MUST yield every complete object exactly once, in no particular order.
    - ``verify`` MUST re-read the object and return whether its bytes still hash to its key.
    - ``delete`` MUST remove the object (afterwards ``head`` returns None) and return whether
      there was one; deleting a missing object MUST NOT raise. Only the trash's purge, after
      the trash period, deletes.
    - ``check`` MUST raise ``ObjectStoreError`` when the store cannot be reached or written.
    - ``put_record`` MUST store ``data`` under ``name`` atomically (all of it or nothing) and
      MUST refuse a name that is not ``RECORD_NAME`` (no ``..``, no leading ``/``) with
      ``ObjectStoreError``; records are not objects and ``list`` MUST NOT yield them.
    - ``get_record`` MUST return the bytes last put under ``name`` and raise
      ``ObjectNotFoundError`` for a missing one; ``list_records`` MUST return the names under
      ``prefix`` in ascending order.
    - Implementations that hold connections MUST release them in ``close``.
    """

    def put(self, stream: BinaryIO, *, sha256: str, size: int, content_type: str) -> ObjectInfo:
        """Store the bytes of ``stream`` under ``sha256``."""
        ...

    def head(self, sha256: str) -> ObjectInfo | None:
        """What is stored under ``sha256``, or None."""
        ...

    def open_chunks(self, sha256: str) -> Iterator[bytes]:
        """The object's bytes in chunks, for streaming."""
        ...

    def get_bytes(self, sha256: str) -> bytes:
        """The whole object in memory (for small objects)."""
        ...

    def list(self) -> Iterator[ObjectInfo]:
        """Every complete object."""
        ...

    def verify(self, sha256: str) -> bool:
        """Whether the stored bytes still hash to ``sha256`` (fixity)."""
        ...

    def delete(self, sha256: str) -> bool:
        """Remove the object ``sha256``; whether there was one."""
        ...

    def check(self) -> None:
        """Raise ObjectStoreError if the store cannot be used."""
        ...

    def put_record(self, name: str, data: bytes) -> None:
        """Store a small named record (see the contract)."""
        ...

    def get_record(self, name: str) -> bytes:
        """The bytes of the record ``name``."""
        ...

    def list_records(self, prefix: str) -> tuple[str, ...]:
        """The names of the records under ``prefix``, in ascending order."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def require_sha256(sha256: str) -> str:
    """``sha256`` itself when it is 64 lower-case hex characters; never a path."""
    if not _SHA256.match(sha256):
        raise ObjectStoreError(f"{sha256!r} is not a sha256 hex digest; objects are keyed by one")
    return sha256


def require_record_name(name: str) -> str:
    """``name`` itself when it is a valid record name; never a path outside the records."""
    if not RECORD_NAME.match(name) or len(name) > 200:
        raise ObjectStoreError(
            f"{name!r} is not a record name: use lower-case segments such as "
            "'audit/checkpoints/000000000001.json'"
        )
    return name


def sha256_of_file(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def mismatch_message(*, sha256: str, size: int, actual_sha256: str, actual_size: int) -> str:
    """Why a put was refused: the bytes are not what the caller said they were."""
    return (
        f"refused to store object {sha256}: received {actual_size} bytes hashing to "
        f"{actual_sha256}, expected {size} bytes; the file changed or was cut short, "
        "upload it again"
    )
