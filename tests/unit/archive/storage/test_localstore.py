"""What only the local directory store can show: real crashes, tampering, leftovers."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import LocalObjectStore, ObjectStoreError
from archive.storage._local import STALE_TEMPORARY_SECONDS

CRASHING_WRITER = """
import hashlib, sys, time
from pathlib import Path
from archive import LocalObjectStore

class SlowStream:
    def __init__(self):
        self.sent = 0
    def read(self, size=-1):
        if self.sent >= 64 * 1024 * 1024:
            return b""
        self.sent += 1024 * 1024
        if self.sent > 4 * 1024 * 1024:
            time.sleep(0.05)
        return b"x" * (1024 * 1024)

content_sha = hashlib.sha256(b"x" * (64 * 1024 * 1024)).hexdigest()
print(content_sha, flush=True)
LocalObjectStore(Path(sys.argv[1])).put(
    SlowStream(), sha256=content_sha, size=64 * 1024 * 1024, content_type="image/png"
)
"""


def test_a_process_killed_mid_write_leaves_no_object(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    with subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(root)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[4],
    ) as child:
        assert child.stdout is not None
        sha256 = child.stdout.readline().strip()
        deadline = time.monotonic() + 30
        while not any((root / ".tmp").glob("put-*")) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert any((root / ".tmp").glob("put-*")), "the writer was killed before it started writing"
    store = LocalObjectStore(root)
    assert store.head(sha256) is None
    assert list(store.list()) == []


def test_old_temporaries_are_cleaned_young_ones_kept(tmp_path: Path) -> None:
    root = tmp_path / "objects"
    (root / ".tmp").mkdir(parents=True)
    old, young = root / ".tmp" / "put-old", root / ".tmp" / "put-young"
    old.write_bytes(b"partial")
    young.write_bytes(b"partial")
    past = time.time() - STALE_TEMPORARY_SECONDS - 60
    os.utime(old, (past, past))
    LocalObjectStore(root)
    assert not old.exists()
    assert young.exists()


def test_verify_notices_a_changed_file(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    content = b"original scan"
    sha256 = hashlib.sha256(content).hexdigest()
    store.put(io.BytesIO(content), sha256=sha256, size=len(content), content_type="image/png")
    stored = next(p for p in (tmp_path / "objects").rglob(sha256))
    stored.write_bytes(b"tampered scan")
    assert not store.verify(sha256)


def test_check_fails_on_an_unwritable_directory(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    (tmp_path / "objects" / ".tmp").rmdir()
    (tmp_path / "objects" / ".tmp").write_text("not a directory")
    with pytest.raises(ObjectStoreError, match="cannot be written"):
        store.check()
