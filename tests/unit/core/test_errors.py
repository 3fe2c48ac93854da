"""One error hierarchy: drawn whole in core/_errors.py, each class mapped to HTTP and an exit."""

from __future__ import annotations

import api
import archive
import cli
import core
import intake
import search
import worker
from api._errors import ERROR_STATUS
from cli._errors import EXIT_CODES, ExitCode
from core import YekuoError

PACKAGES = (core, intake, archive, search, worker, api, cli)
# Bases that group errors and are never raised themselves.
BASES = {"ArchiveError", "AuthError"}


def _every_error() -> list[type[YekuoError]]:
    found: list[type[YekuoError]] = []
    todo = [YekuoError]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.split(".")[0] in {p.__name__ for p in PACKAGES}:
                todo.append(sub)
                if sub.__name__ not in BASES:
                    found.append(sub)
    return found


def test_the_diagram_names_every_error_class() -> None:
    diagram = core._errors.__doc__ or ""
    missing = [e.__name__ for e in _every_error() if e.__name__ not in diagram]
    assert all(base in diagram for base in BASES)
    assert missing == [], "draw these in core/_errors.py"


def test_every_error_has_an_http_status_and_a_code_of_its_own() -> None:
    unmapped = [
        e.__name__ for e in _every_error() if not any(issubclass(e, t) for t, _, _ in ERROR_STATUS)
    ]
    assert unmapped == [], "map these in api/_errors.py"


def test_every_error_has_an_exit_status_other_than_unexpected() -> None:
    unmapped = [
        e.__name__
        for e in _every_error()
        if not any(issubclass(e, t) and code != ExitCode.unexpected for t, code in EXIT_CODES)
        and e.__name__
        not in {
            "UnauthenticatedError",
            "PasswordChangeRequiredError",
            "ForbiddenError",
            "LoanRequiredError",
        }
        # no sign-in on the CLI, and it reads the archive as the server itself, never on a loan
        and not issubclass(e, archive.UploadError)  # import reports refused files per file
        and not issubclass(e, (worker.IntakeJobError, archive.CalendarRangeError))
    ]
    assert unmapped == [], "give these an exit status in cli/_errors.py"
