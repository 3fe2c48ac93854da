"""Temporary files name the process that owns them; those of dead processes are removed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from archive import remove_orphaned_temporaries, temporary_prefix
from core import boot_id


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_the_files_no_running_process_owns_are_removed(tmp_path: Path) -> None:
    mine = tmp_path / f"{temporary_prefix('upload')}abc"
    dead = tmp_path / f"upload-{boot_id()}-{_dead_pid()}-abc"
    dead_intake = tmp_path / f"intake-{boot_id()}-{_dead_pid()}-xyz"
    old_boot = tmp_path / "upload-00000000-123-old"
    recent_other_boot = tmp_path / "intake-00000000-456-new"
    unrelated = tmp_path / "notes-a-b-c"
    dead_intake.mkdir()  # intake reads its copy in a directory of its own
    (dead_intake / "document-abc").write_bytes(b"x")
    for path in (mine, dead, old_boot, recent_other_boot, unrelated):
        path.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(old_boot, (day_ago, day_ago))

    assert remove_orphaned_temporaries(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in (mine, recent_other_boot, unrelated)
    )


def test_a_missing_directory_has_nothing_to_remove(tmp_path: Path) -> None:
    assert remove_orphaned_temporaries(tmp_path / "none") == 0
