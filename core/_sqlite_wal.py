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
    workers started at the same moment raced on it. An exclusive ``flock`` on the file's
    directory makes them switch in turn; the mode then stays with the file, so later
    connections need not set it. Never on the file itself: closing any descriptor of a
    database file drops every POSIX lock this process holds on it, SQLite's own included
    (an API reader then missed what the command line had just committed).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        connection = sqlite3.connect(path, timeout=10)
        try:
            connection.execute("PRAGMA journal_mode = wal")
        finally:
            connection.close()
    finally:
        os.close(handle)  # closing the descriptor lets the lock go
