"""The one map from domain errors to HTTP status and a stable ``code``; JSON bodies."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException

from archive import (
    AuditKeyError,
    CalendarRangeError,
    CaseArchivedError,
    ConflictError,
    DamagedOriginalError,
    DirectoryUnavailableError,
    EmptyUploadError,
    FixityError,
    FontMissingError,
    ForbiddenError,
    LoanRequiredError,
    NotFoundError,
    ObjectStoreError,
    OriginalPurgedError,
    RuleSetError,
    UnauthenticatedError,
    UnsupportedMediaTypeError,
    UploadError,
    UploadTooLargeError,
    ValidationError,
    WebhookDeliveryError,
)
from archive.backup import BackupToolError
from core import SettingsError, YekuoError
from intake import IntakeError, OcrEngineError
from search import SearchError, SearchUnavailableError
from worker import IntakeJobError, QueueError

log = logging.getLogger("yekuo.api")

# Most specific first: the first class an error is an instance of decides.
ERROR_STATUS: tuple[tuple[type[YekuoError], int, str], ...] = (
    (UnauthenticatedError, 401, "unauthenticated"),
    (LoanRequiredError, 403, "loan_required"),
    (ForbiddenError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (DamagedOriginalError, 410, "original_damaged"),
    (CaseArchivedError, 409, "case_archived"),
    (OriginalPurgedError, 410, "original_purged"),
    (ConflictError, 409, "conflict"),
    (UploadTooLargeError, 413, "upload_too_large"),
    (UnsupportedMediaTypeError, 415, "unsupported_media_type"),
    (EmptyUploadError, 400, "empty_upload"),
    (UploadError, 400, "bad_upload"),
    (ValidationError, 422, "invalid"),
    (ObjectStoreError, 503, "object_store_unavailable"),
    (CalendarRangeError, 503, "calendar_out_of_range"),
    (DirectoryUnavailableError, 503, "directory_unavailable"),
    (WebhookDeliveryError, 503, "webhook_unavailable"),
    (SearchUnavailableError, 503, "search_unavailable"),
    (SearchError, 503, "search_failed"),
    (QueueError, 503, "queue_unavailable"),
    (OcrEngineError, 503, "ocr_unavailable"),
    (BackupToolError, 503, "backup_tool_unavailable"),
    (IntakeError, 422, "unreadable_file"),
    (IntakeJobError, 422, "intake_failed"),
    # The installation itself is broken: an administrator must act (the message says how).
    (RuleSetError, 500, "rules_invalid"),
    (FixityError, 500, "integrity_failure"),
    (AuditKeyError, 500, "audit_key_unreadable"),
    (FontMissingError, 500, "font_missing"),
    (SettingsError, 500, "settings_invalid"),
)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "upload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    503: "unavailable",
}


def error_body(code: str, message: str) -> dict[str, str]:
    """The JSON body of every error response."""
    return {"code": code, "message": message}


def _status_of(error: YekuoError) -> tuple[int, str]:
    for error_type, status, code in ERROR_STATUS:
        if isinstance(error, error_type):
            return status, code
    return 500, "internal_error"


async def _yekuo_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, YekuoError)
    status, code = _status_of(error)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, error.message)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(code, error.message), status_code=status, headers=headers)


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    message = "the request is not valid: " + "; ".join(problems)
    return JSONResponse(error_body("invalid", message), status_code=422)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = HTTP_CODES.get(error.status_code, "error")
    return JSONResponse(
        error_body(code, str(error.detail)), status_code=error.status_code, headers=error.headers
    )


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, OperationalError | InterfaceError)
    cause = str(error.orig or error).strip().splitlines()[0] if str(error.orig or error) else ""
    log.error("%s %s: the database did not answer: %s", request.method, request.url.path, cause)
    return JSONResponse(
        error_body(
            "database_unavailable",
            f"the database does not answer ({cause or 'no reply'}); the request was not "
            "carried out, or its answer was lost: try it again in a minute (an upload sent "
            "again is recognised, never stored twice), and if this goes on, an administrator "
            "checks the database server",
        ),
        status_code=503,
    )


async def _unexpected_error(request: Request, _error: Exception) -> JSONResponse:
    log.exception("%s %s failed unexpectedly", request.method, request.url.path)
    return JSONResponse(
        error_body(
            "internal_error",
            "yekuo failed unexpectedly; nothing already stored was changed. The error is in the "
            "server log: report it to the administrator",
        ),
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Make every error a JSON ``{code, message}`` with the right status."""
    app.add_exception_handler(YekuoError, _yekuo_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    # The database going away (restarted, crashed, network) is an outage, not a bug: 503.
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
