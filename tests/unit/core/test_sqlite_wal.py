"""New SQLite files opened by many connections at once all end in WAL mode, none refused."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from core import use_wal


def test_new_files_opened_by_eight_threads_at_once_are_never_locked(tmp_path: Path) -> None:
    failures: list[BaseException] = []
    for round_number in range(20):  # unlocked, the race was lost in most runs
        path = tmp_path / f"round-{round_number}" / "queue.sqlite3"
        starting = threading.Barrier(8)

        def switch(path: Path = path, starting: threading.Barrier = starting) -> None:
            starting.wait(timeout=10)
            try:
                use_wal(path)
                connection = sqlite3.connect(path, timeout=10)
                try:
                    with connection:
                        connection.execute("CREATE TABLE IF NOT EXISTS task (id INTEGER)")
                finally:
                    connection.close()
            except BaseException as error:  # every failure is reported by the assertion below
                failures.append(error)

        threads = [threading.Thread(target=switch) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        connection = sqlite3.connect(path)
        try:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        finally:
            connection.close()
    assert failures == []
