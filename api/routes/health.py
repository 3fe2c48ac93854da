"""The health check: does the database answer, does the object store, are originals whole.

No token is needed. The status is ``ok``, ``degraded`` (everything answers, but some stored
originals are marked damaged: an administrator must restore them) or ``unavailable`` (503,
naming what does not answer).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from api.deps import DatabaseDep, StoreDep
from archive import Database, damaged_count
from core import YekuoError

router = APIRouter(tags=["health"])


def _damaged(database: Database) -> int | None:
    """How many originals are marked damaged; None when the database cannot say."""
    try:
        with database.transaction() as session:
            return damaged_count(session)
    except SQLAlchemyError:
        return None


def _originals_check(damaged: int | None) -> str:
    if damaged is None:
        return "not counted: the database does not answer"
    if damaged == 0:
        return "ok"
    return (
        f"stored originals damaged or missing: {damaged} (their documents carry the finding "
        "original_damaged); restore them from a backup, then run `yekuo verify`"
    )


@router.get("/healthz")
async def healthz(database: DatabaseDep, store: StoreDep) -> JSONResponse:
    """200 ``ok`` or ``degraded`` (damaged originals, counted); 503 naming what does not answer."""
    checks: dict[str, str] = {}
    for name, check in (("database", database.check), ("object_store", store.check)):
        try:
            await run_in_threadpool(check)
            checks[name] = "ok"
        except (YekuoError, OSError) as exc:
            checks[name] = str(exc)
        except Exception as exc:
            checks[name] = f"{type(exc).__name__}: {exc}"
    damaged = await run_in_threadpool(_damaged, database) if checks["database"] == "ok" else None
    checks["originals"] = _originals_check(damaged)
    healthy = checks["database"] == "ok" and checks["object_store"] == "ok"
    status = "unavailable" if not healthy else "degraded" if damaged else "ok"
    return JSONResponse(
        {"status": status, "checks": checks, "damaged_originals": damaged},
        status_code=200 if healthy else 503,
    )
