"""The health check: does the database answer, does the object store (no token needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import DatabaseDep, StoreDep
from core import YekuoError

router = APIRouter(tags=["health"])


@router.get("/healthz")
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
