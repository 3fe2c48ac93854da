"""The one base error of yekuo; each package derives its own errors from it.

Hierarchy (every class yekuo raises on purpose; ``api._errors`` maps each to an HTTP status and
a stable ``code``, ``cli._errors`` to an exit status)::

    YekuoError
    ├── SettingsError                       (core)    a setting is missing, malformed or unsafe
    ├── archive.ArchiveError
    │   ├── NotFoundError                             a case, document, finding or token is unknown
    │   ├── ConflictError                             a value is taken, or the state forbids it
    │   │   ├── StageGateError                        the case is not ready to leave its stage
    │   │   ├── CaseArchivedError                     the case is archived: read-only
    │   │   └── OriginalPurgedError                   the trash's period ended: original destroyed
    │   ├── ValidationError                           a value breaks a domain rule
    │   ├── UploadError
    │   │   ├── UploadTooLargeError                   over the configured size limit
    │   │   ├── UnsupportedMediaTypeError             not a PDF, JPEG, PNG or TIFF
    │   │   └── EmptyUploadError                      no bytes, or no file part
    │   ├── ObjectStoreError                          the object store failed or cannot be written
    │   │   └── ObjectNotFoundError                   no object (or record) under that key
    │   ├── FixityError                               stored data failed its fixity check
    │   │   ├── DamagedOriginalError                  an original is altered or missing
    │   │   └── BackupDamagedError                    a backup is incomplete or a file changed
    │   ├── AuditKeyError                             the audit key file is unreadable
    │   ├── BackupToolError                           pg_dump / pg_restore missing or failed
    │   ├── FontMissingError                          no Chinese font to draw cover sheets with
    │   ├── DirectoryUnavailableError                 the directory (LDAP) fails or refuses yekuo
    │   ├── WebhookDeliveryError                      the webhook's receiver did not take a message
    │   ├── RuleSetError                              the rule file is broken, or no version applies
    │   │   └── ConditionSyntaxError                  a condition does not parse (also ValueError)
    │   ├── CalendarRangeError                        a date beyond the holiday calendar
    │   └── AuthError
    │       ├── UnauthenticatedError                  no valid token or session; a refused sign-in
    │       │   └── PasswordChangeRequiredError       a reset password to change first
    │       └── ForbiddenError                        the role may not do this
    │           └── LoanRequiredError                 an archived case, read only on a loan
    ├── intake.IntakeError                            reading a file, OCR
    │   ├── UnreadableFileError                       the file is not what its bytes claim
    │   │   ├── CorruptFileError                      truncated or damaged
    │   │   └── EncryptedPdfError                     needs a password
    │   ├── TooLargeError                             decoding would exhaust memory
    │   └── OcrEngineError                            the OCR engine failed or is missing
    ├── search.SearchError                            the index failed
    │   └── SearchUnavailableError                    the index cannot be reached or is outdated
    ├── worker.IntakeJobError                         one intake attempt failed (``code`` says why)
    │   └── UnreadableDocumentError                   the file itself is the problem: no retry
    └── worker.QueueError                             the intake queue cannot be used as configured

Every message says what failed, for which case or document, and what to do next.
"""

from __future__ import annotations


class YekuoError(Exception):
    """Base of every error yekuo raises on purpose."""

    def __init__(self, message: str, *, message_zh: str | None = None) -> None:
        if not message:
            raise ValueError("a YekuoError needs a message saying what failed and what to do")
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh
        """The same in Chinese, for the pages (the API answers ``message``); None: the page
        says what its status means."""


class SettingsError(YekuoError):
    """A setting is missing, malformed or unsafe."""
