"""The health check and the start page (the full web UI is built on these services)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from api._deps import DatabaseDep, StoreDep
from archive import LABELS_ZH, Stage
from core import YekuoError

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))


@router.get("/healthz", tags=["health"])
async def healthz(database: DatabaseDep, store: StoreDep) -> JSONResponse:
    """200 when the database and the object store both answer, 503 naming what does not."""
    checks: dict[str, str] = {}
    for name, check in (("database", database.check), ("object_store", store.check)):
        try:
            await run_in_threadpool(check)
            checks[name] = "ok"
        except (YekuoError, OSError) as exc:
            checks[name] = str(exc)
        except Exception as exc:
            checks[name] = f"{type(exc).__name__}: {exc}"
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
    )


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    """The start page: what yekuo is and where the API is."""
    stages = [(stage.value, LABELS_ZH[stage]) for stage in Stage]
    return templates.TemplateResponse(request, "index.html", {"stages": stages})
