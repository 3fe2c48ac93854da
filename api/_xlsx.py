"""Spreadsheet downloads (the 考核 report): an XLSX attachment."""

from __future__ import annotations

from fastapi.responses import Response

from archive import XLSX_MEDIA_TYPE


def xlsx_response(content: bytes, *, name: str) -> Response:
    """An XLSX download saved as ``name``.xlsx (ASCII)."""
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )
