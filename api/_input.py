"""What routes and pages accept from a URL: bounded integers, ISO dates, no control characters.

Unbounded integers reach the database (SQLite refuses 2**63 with an ``OverflowError``,
PostgreSQL an id past 2**31 - 1),
pydantic reads a number as a Unix timestamp where a date is expected, and PostgreSQL cannot
hold NUL in text: each of these answers 422 here, naming the parameter, instead of a 500 or a
surprising result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

from fastapi import Path, Query, Request
from pydantic import AfterValidator, BeforeValidator

from archive import ValidationError

MAX_ID = 2**31 - 1
"""The largest row id the databases hold: integer ids are INTEGER columns, 32 bits on PostgreSQL
(which refuses a larger number with a DataError; the schemathesis fuzz test found it)."""

MAX_OFFSET = 1_000_000
"""How far into a listing a page may start; narrow the filters to look further."""

RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A row id (1 to 2**31 - 1)")]
"""A path parameter naming a row by its integer id."""

Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many to skip")]
"""The start of a page of a listing."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?"
)
# The C0 controls and DEL, except tab and line breaks (a form's text may hold those).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _iso_only(pattern: re.Pattern[str], hint: str) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, str) and not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not {hint}")
        return value

    return check


IsoDate = Annotated[dt.date, BeforeValidator(_iso_only(_DATE, "a date: write it as YYYY-MM-DD"))]
"""A date written as ``YYYY-MM-DD``, never a number."""


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.astimezone()


IsoDateTime = Annotated[
    dt.datetime,
    AfterValidator(_aware),
    BeforeValidator(
        _iso_only(
            _DATETIME,
            "a date or time: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, optionally with an "
            "offset such as +08:00",
        )
    ),
]
"""A date or date and time in ISO 8601 (``2026-03-01``, ``2026-03-01T08:30:00+08:00``).

Without an offset it is the server's local time, as on the audit page.
"""


def _refuse_control(where: str, name: str, value: str) -> None:
    found = _CONTROL.search(name) or _CONTROL.search(value)
    if found:
        code = f"U+{ord(found.group()):04X}"
        raise ValidationError(
            f"the {where} parameter {name!r} contains the control character {code}; "
            "remove it (only tabs and line breaks are allowed)",
            message_zh=f"填写的内容含有控制字符 {code}，请删除后重试（只允许制表符和换行）",
        )


async def refuse_control_characters(request: Request) -> None:
    """ValidationError (422) if a path, query or form parameter holds a control character.

    Installed on every route of the app. Only URL-encoded forms are read here: multipart
    uploads are streamed by their routes, and JSON bodies are checked by their schemas.
    """
    for name, value in request.path_params.items():
        _refuse_control("path", name, str(value))
    for name, value in request.query_params.multi_items():
        _refuse_control("query", name, value)
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        for name, field in (await request.form()).multi_items():
            if isinstance(field, str):
                _refuse_control("form", name, field)
