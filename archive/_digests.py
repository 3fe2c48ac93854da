"""Digests a transfer package carries: SHA-256 and SM3 (GB/T 32905-2016, via ``gmssl``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gmssl import func, sm3  # type: ignore[import-untyped]


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex."""
    return hashlib.sha256(data).hexdigest()


def sm3_hex(data: bytes) -> str:
    """The SM3 of ``data`` in hex (64 characters)."""
    return str(sm3.sm3_hash(func.bytes_to_list(data)))


def file_digests(path: Path) -> tuple[str, str]:
    """The SHA-256 and SM3 of a file."""
    data = path.read_bytes()
    return sha256_hex(data), sm3_hex(data)
