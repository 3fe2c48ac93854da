"""Printable PDFs (cover sheets, the one-time notice) as the browser shows them: inline."""

from __future__ import annotations

from fastapi.responses import Response

from archive import Watermark, stamp_pdf


def inline_pdf(pdf: bytes, *, filename: str, mark: Watermark | None = None) -> Response:
    """``pdf`` shown in the browser, ready to print, saved as ``filename`` (ASCII).

    Given under a loan (``mark``: its watermark), every page carries the mark, as a lent
    download does, and no cache keeps the copy.
    """
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    if mark is None:
        return Response(pdf, media_type="application/pdf", headers=headers)
    return Response(
        stamp_pdf(pdf, mark),
        media_type="application/pdf",
        headers={**headers, "Cache-Control": "no-store"},
    )
