"""The one base error of yekuo; each package derives its own errors from it.

Hierarchy::

    YekuoError
    ├── SettingsError                  (core)    a setting is missing or unsafe
    ├── archive.ArchiveError
    │   ├── NotFoundError                        a case, document or token does not exist
    │   ├── ConflictError                        a unique value is already taken
    │   ├── ValidationError                      a value breaks a domain rule
    │   ├── UploadError
    │   │   ├── UploadTooLargeError              over the configured size limit
    │   │   ├── UnsupportedMediaTypeError        not a PDF, JPEG, PNG or TIFF
    │   │   └── EmptyUploadError                 no bytes, or no file part
    │   ├── ObjectStoreError                     the object store failed
    │   │   └── ObjectNotFoundError
    │   └── AuthError
    │       ├── UnauthenticatedError             no or unknown token
    │       └── ForbiddenError                   the role may not do this
    ├── intake.IntakeError                       reading, OCR, classification
    └── search.SearchError                       the index failed

Every message says what failed, for which case or document, and what to do next.
"""

from __future__ import annotations


class YekuoError(Exception):
    """Base of every error yekuo raises on purpose."""

    def __init__(self, message: str) -> None:
        if not message:
            raise ValueError("a YekuoError needs a message saying what failed and what to do")
        super().__init__(message)
        self.message = message


class SettingsError(YekuoError):
    """A setting is missing, malformed or unsafe."""
