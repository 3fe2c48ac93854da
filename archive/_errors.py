"""Errors of the archive package (the hierarchy is drawn in core/_errors.py)."""

from __future__ import annotations

from typing import Literal

from core import YekuoError

DamageFound = Literal["missing", "altered"]
"""What was found in place of a stored original: nothing, or other bytes."""


class ArchiveError(YekuoError):
    """Base of the archive package's errors."""


class NotFoundError(ArchiveError):
    """A case, document or token does not exist."""


class ConflictError(ArchiveError):
    """A value that must be unique is already taken, or the state forbids the change."""


class CaseArchivedError(ConflictError):
    """The case is archived, so it is read-only until a keeper re-opens it."""


class OriginalPurgedError(ConflictError):
    """A document stayed in the trash past its period: its original was destroyed."""


class ValidationError(ArchiveError):
    """A value breaks a domain rule (format of an identifier, an unknown code)."""


class UploadError(ArchiveError):
    """An upload was refused."""


class UploadTooLargeError(UploadError):
    """An upload is larger than the configured limit."""


class UnsupportedMediaTypeError(UploadError):
    """An upload is not a PDF, JPEG, PNG or TIFF."""


class EmptyUploadError(UploadError):
    """An upload has no bytes, or the request has no file part."""


class ObjectStoreError(ArchiveError):
    """The object store failed to store or return an object."""


class ObjectNotFoundError(ObjectStoreError):
    """No object has the requested checksum."""


class FixityError(ArchiveError):
    """Stored data failed its fixity check: an original or the audit trail was altered."""


class DamagedOriginalError(FixityError):
    """A stored original no longer hashes to its checksum (``altered``), or is gone (``missing``).

    Raised wherever it is found: serving the original, a worker reading it, ``yekuo verify``.
    """

    def __init__(self, message: str, *, found: DamageFound) -> None:
        super().__init__(message)
        self.found: DamageFound = found


class RuleSetError(ArchiveError):
    """The rule file is broken, or no version of it applies to a case."""


class ConditionSyntaxError(RuleSetError, ValueError):
    """A rule's condition cannot be parsed or names an unknown fact.

    Also a ValueError, so that the rule file's pydantic models report it at the rule's place.
    """


class AuthError(ArchiveError):
    """Authentication or authorisation failed."""


class UnauthenticatedError(AuthError):
    """No token, or an unknown or revoked one."""


class ForbiddenError(AuthError):
    """The token's role may not do this."""


class LoanRequiredError(ForbiddenError):
    """The case is archived and the actor has no active loan of it: they request one."""


class DirectoryUnavailableError(ArchiveError):
    """The directory (LDAP) cannot be reached, or refuses yekuo's own bind or search."""


class FontMissingError(ArchiveError):
    """No Chinese font is installed, so pages with Chinese text (cover sheets) cannot be drawn."""
