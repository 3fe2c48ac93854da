"""The one place where a failure of a command becomes a message and an exit status.

Every command runs inside ``YekuoGroup.invoke``: an expected failure (a ``YekuoError``, or the
database refusing the connection) prints one or two lines — what failed, what to do — and
exits with the status of its class; only an unexpected failure shows a traceback (status 1).
"""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import Any

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from archive import (
    AuditKeyError,
    ConflictError,
    DirectoryUnavailableError,
    FixityError,
    FontMissingError,
    NotFoundError,
    ObjectNotFoundError,
    ObjectStoreError,
    RuleSetError,
    ValidationError,
    WebhookDeliveryError,
)
from archive.backup import BackupToolError
from core import SettingsError, YekuoError, get_settings
from intake import IntakeError, OcrEngineError
from search import SearchError
from worker import QueueError


class ExitCode(IntEnum):
    """The exit statuses of ``yekuo`` (README lists them)."""

    ok = 0
    unexpected = 1
    usage = 2
    not_found = 3
    conflict = 4
    unavailable = 5
    integrity = 6


# Most specific first: the first class an error is an instance of decides its status.
EXIT_CODES: tuple[tuple[type[YekuoError], ExitCode], ...] = (
    (SettingsError, ExitCode.usage),
    (RuleSetError, ExitCode.usage),
    (ValidationError, ExitCode.usage),
    (NotFoundError, ExitCode.not_found),
    (ConflictError, ExitCode.conflict),
    (FixityError, ExitCode.integrity),
    (AuditKeyError, ExitCode.integrity),
    (ObjectNotFoundError, ExitCode.integrity),
    (ObjectStoreError, ExitCode.unavailable),
    (FontMissingError, ExitCode.unavailable),
    (DirectoryUnavailableError, ExitCode.unavailable),
    (WebhookDeliveryError, ExitCode.unavailable),
    (SearchError, ExitCode.unavailable),
    (QueueError, ExitCode.unavailable),
    (OcrEngineError, ExitCode.unavailable),
    (BackupToolError, ExitCode.unavailable),
    (IntakeError, ExitCode.usage),
)


def exit_code_of(error: YekuoError) -> ExitCode:
    """The exit status of an expected failure."""
    for error_type, code in EXIT_CODES:
        if isinstance(error, error_type):
            return code
    return ExitCode.unexpected


def database_unavailable(error: OperationalError) -> str:
    """What to say when the database cannot be reached (its URL without the password)."""
    try:
        url = make_url(get_settings().resolved_database_url).render_as_string(hide_password=True)
    except YekuoError:
        url = "the database"
    cause = str(error.orig).strip().splitlines()[0] if error.orig else "it did not answer"
    return (
        f"cannot reach the database {url}: {cause}; check YEKUO_DATABASE_URL and that the "
        "server is running"
    )


class YekuoGroup(click.Group):
    """The ``yekuo`` group: its commands' expected failures become a line and a status."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; map what it raises to a message on stderr and an exit status."""
        try:
            return super().invoke(ctx)
        except YekuoError as error:
            _fail(error.message, exit_code_of(error))
        except OperationalError as error:
            _fail(database_unavailable(error), ExitCode.unavailable)


def _fail(message: str, code: ExitCode) -> None:
    click.echo(f"yekuo: {message}", err=True)
    sys.exit(code)
