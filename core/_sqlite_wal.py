"""Putting a SQLite file in WAL mode when several processes open it at the same moment."""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path


def use_wal(path: Path) -> None:
    """Put the SQLite file at ``path`` (created if missing) in WAL mode, one process at a time.

    Switching a new file to WAL takes it whole, and SQLite answers "database is locked" at once,
    without waiting out its busy timeout, to the second of two connections switching together:
    workers started at the same moment raced on it. An exclusive ``flock`` on the file (apart
    from SQLite's own ``fcntl`` locks) makes them switch in turn; the mode then stays with the
    file, so later connections need not set it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        connection = sqlite3.connect(path, timeout=10)
        try:
            connection.execute("PRAGMA journal_mode = wal")
        finally:
            connection.close()
    finally:
        os.close(handle)  # closing the descriptor lets the lock go
