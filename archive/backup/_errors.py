"""Errors of backups (the hierarchy is drawn in core/_errors.py)."""

from __future__ import annotations

from archive._errors import ArchiveError, FixityError


class BackupDamagedError(FixityError):
    """A backup is incomplete, or one of its files no longer matches its checksum."""


class BackupToolError(ArchiveError):
    """``pg_dump`` or ``pg_restore`` is missing, or failed (the server did not answer)."""
