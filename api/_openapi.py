"""The OpenAPI schema states every error an operation can answer, each as ``{code, message}``.

FastAPI documents only the success and a 422 of its own shape; yekuo answers every error with
``api._errors.error_body``. ``describe_errors`` adds to each operation the statuses it can give,
decided by what the operation is, so a new route is documented like the others:

- every operation that needs a token: 401 (no or unknown token) and 403 (the role may not);
- signing in (``/auth/login``, ``/auth/password``): 401 (a wrong password, a locked or
  disabled account, a password to change first);
- a path with parameters: 404 (no such case, document, token …);
- parameters or a body: 422 (a value refused), replacing FastAPI's own 422 body;
- every write (POST, PUT, DELETE): 409 (the state forbids it: a duplicate, a finished job …);
- an upload (multipart body): 400, 413 and 415 (empty or broken, too large, not a type accepted);
- a document's original: 410 (the stored bytes fail their checksum);
- everything: 503 (the database, object store, index or queue does not answer).
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = "ErrorBody"

_ERROR_BODY: dict[str, Any] = {
    "title": ERROR_SCHEMA,
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "A stable code, e.g. not_found, conflict"},
        "message": {"type": "string", "description": "What was wrong and what is accepted"},
    },
}
_DESCRIPTIONS = {
    400: "The upload is empty or broken",
    401: "No API token, or an unknown or revoked one; signing in: a wrong user name or "
    "password, an account disabled or locked (15 minutes after 5 wrong passwords in a row), "
    "a password an admin reset that must be changed first, or a directory user in no group "
    "mapped to a role",
    403: "The token's role may not do this, or the unit named (of a new or moved case, a new "
    "user or token) is not the caller's unit or one under it, or (loan_required) the case is "
    "archived and the caller has no active loan of it",
    404: "What the path names does not exist, or belongs to a unit the caller does not see "
    "(the same answer)",
    409: "The current state forbids it",
    410: "The stored original no longer matches its checksum",
    413: "The upload is larger than YEKUO_MAX_UPLOAD_BYTES",
    415: "The upload is not a type yekuo accepts",
    422: "A parameter or the body is refused; the message names it",
    503: "A backend (database, object store, search index, queue, directory) does not answer",
}
_SIGN_INS = ("/auth/login", "/auth/password")
_WRITES = frozenset({"post", "put", "delete", "patch"})


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer, in order."""
    statuses = {503}
    if operation.get("security"):
        statuses |= {401, 403}
    if path.endswith(_SIGN_INS):
        statuses.add(401)
    if "{" in path:
        statuses.add(404)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if method in _WRITES:
        statuses.add(409)
    body = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in body:
        statuses |= {400, 413, 415}
    if path.endswith("/file"):
        statuses.add(410)
    return sorted(statuses)


def describe_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with each operation's error answers stated (in place; returned)."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_SCHEMA] = _ERROR_BODY
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path, method, operation):
                responses[str(status)] = {
                    "description": _DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": reference}},
                }
    # FastAPI's own 422 bodies are never sent: the error handler answers {code, message}.
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return schema
