"""New SQLite files opened by many connections at once all end in WAL mode, none refused."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path

from core import use_wal
from tests.at_once import failures_at_once


def _switch_and_write(path: Path) -> None:
    use_wal(path)
    connection = sqlite3.connect(path, timeout=10)
    try:
        with connection:
            connection.execute("CREATE TABLE IF NOT EXISTS task (id INTEGER)")
    finally:
        connection.close()


def test_new_files_opened_by_eight_threads_at_once_are_never_locked(tmp_path: Path) -> None:
    failures: list[BaseException] = []
    for round_number in range(20):  # unlocked, the race was lost in most runs
        path = tmp_path / f"round-{round_number}" / "queue.sqlite3"
        failures += failures_at_once(partial(_switch_and_write, path), threads=8)
        connection = sqlite3.connect(path)
        try:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        finally:
            connection.close()
    assert failures == []
