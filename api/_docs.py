"""The API documentation page (Swagger UI) from the installed ``swagger-ui-bundle`` files.

Nothing is loaded from another host, so ``/docs`` works on a server without internet access,
and its content policy allows its one inline script by hash, not every inline script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from api._headers import CONTENT_SECURITY_POLICY
from archive import NotFoundError

router = APIRouter(include_in_schema=False)

DOCS_STATIC = "/docs/static"
_SWAGGER_DIR = Path(str(swagger_ui_path))
_SWAGGER_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def docs_policy(page: bytes) -> str:
    """The page policy plus the hash of each inline script of ``page`` and ``data:`` images.

    Swagger UI's stylesheet draws its icons as ``data:`` SVG images.
    """
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(page)
    )
    return f"{CONTENT_SECURITY_POLICY}; script-src 'self' {hashes}; img-src 'self' data:"


@router.get("/docs")
def docs_page(request: Request) -> HTMLResponse:
    """Swagger UI over this app's OpenAPI schema."""
    page = get_swagger_ui_html(
        openapi_url=request.scope.get("root_path", "") + (request.app.openapi_url or ""),
        title=f"{request.app.title} – API",
        swagger_js_url=f"{DOCS_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_STATIC}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
    page.headers["Content-Security-Policy"] = docs_policy(bytes(page.body))
    return page


@router.get(f"{DOCS_STATIC}/{{name}}")
def docs_file(name: str) -> FileResponse:
    """Swagger UI's script, stylesheet or icon."""
    media_type = _SWAGGER_FILES.get(name)
    if media_type is None:
        raise NotFoundError(f"no documentation file {name!r}; the API documentation is at /docs")
    return FileResponse(_SWAGGER_DIR / name, media_type=media_type)
