"""Backup and restore of a whole installation: database, object store manifest and objects."""

from archive.backup._errors import BackupDamagedError, BackupToolError
from archive.backup._service import BackupReport, RestoreReport, back_up, restore

__all__ = [
    "BackupDamagedError",
    "BackupReport",
    "BackupToolError",
    "RestoreReport",
    "back_up",
    "restore",
]
