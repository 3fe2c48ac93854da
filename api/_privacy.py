"""Answers carry citizen ID numbers in full only to those allowed to see them.

Every JSON or HTML answer passes through ``MaskCitizenIdsMiddleware``: unless the request was
marked with ``reveal_citizen_ids`` (an API actor with ``view_pii``, or a page whose reveal was
asked for and audited), each citizen ID number in the body is masked (``410105********6366``).
One rule at the edge covers every place a number can appear — case records, fields, findings
and their messages, OCR text, search highlights, error messages — so no new route can leak one.
The mask keeps the body's length, so ``Content-Length`` stays true.
"""

from __future__ import annotations

import re

from fastapi import Request
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from archive import CITIZEN_ID_PATTERN

_CITIZEN_ID = re.compile(CITIZEN_ID_PATTERN.encode())
_MASK = b"********"
_MASKED_TYPES = ("application/json", "text/html", "text/plain", "text/csv")
_STATE_KEY = "reveal_citizen_ids"


def reveal_citizen_ids(request: Request, reveal: bool) -> None:
    """Mark whether this request's answer may carry full citizen ID numbers."""
    setattr(request.state, _STATE_KEY, reveal)


def citizen_ids_revealed(request: Request) -> bool:
    """Whether this request's answer carries full citizen ID numbers."""
    return bool(getattr(request.state, _STATE_KEY, False))


def mask_body(body: bytes) -> bytes:
    """``body`` with every citizen ID number masked, its length unchanged."""
    return _CITIZEN_ID.sub(lambda match: match.group(1) + _MASK + match.group(2), body)


class MaskCitizenIdsMiddleware:
    """ASGI middleware masking citizen ID numbers in text answers not marked for revealing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; hold a text answer's body, mask it, then send it whole."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        parts: list[bytes] = []

        async def masking_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if _maskable(scope, message):
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                parts.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                await send(start)
                await send({"type": "http.response.body", "body": mask_body(b"".join(parts))})
                return
            await send(message)

        await self.app(scope, receive, masking_send)


def _maskable(scope: Scope, start: Message) -> bool:
    if scope.get("state", {}).get(_STATE_KEY):
        return False
    media_type = Headers(raw=start.get("headers", [])).get("content-type", "")
    return media_type.split(";")[0].strip().lower() in _MASKED_TYPES
