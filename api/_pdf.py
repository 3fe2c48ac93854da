"""Printable PDFs (cover sheets, the one-time notice) as the browser shows them: inline."""

from __future__ import annotations

from fastapi.responses import Response


def inline_pdf(pdf: bytes, *, filename: str) -> Response:
    """``pdf`` shown in the browser, ready to print, saved as ``filename`` (ASCII)."""
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
