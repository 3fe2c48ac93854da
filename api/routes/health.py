"""The health check: do the database, the object store and the search index answer; are
originals whole.

No token is needed. The status is ``ok``; ``degraded`` (200: uploads are taken and intake goes
on, but an administrator must act) while some stored originals are marked damaged or the search
index does not answer (searches answer 503 until it is back, and the documents finished
meanwhile are indexed by the workers then); or ``unavailable`` (503) when the database or the
object store does not answer. Each check is ``ok`` or says what failed.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from api.deps import DatabaseDep, IndexDep, StoreDep
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


async def _answer(check: Callable[[], object]) -> str:
    """``ok``, or what the check raised."""
    try:
        await run_in_threadpool(check)
    except (YekuoError, OSError) as exc:
        return str(exc)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return "ok"


@router.get("/healthz")
async def healthz(database: DatabaseDep, store: StoreDep, index: IndexDep) -> JSONResponse:
    """200 ``ok`` or ``degraded`` (damaged originals, search index down); 503 when the
    database or the object store does not answer, naming it."""
    checks = {
        "database": await _answer(database.check),
        "object_store": await _answer(store.check),
        "search": await _answer(index.ping),
    }
    damaged = await run_in_threadpool(_damaged, database) if checks["database"] == "ok" else None
    checks["originals"] = _originals_check(damaged)
    healthy = checks["database"] == "ok" and checks["object_store"] == "ok"
    degraded = bool(damaged) or checks["search"] != "ok"
    status = "unavailable" if not healthy else "degraded" if degraded else "ok"
    return JSONResponse(
        {"status": status, "checks": checks, "damaged_originals": damaged},
        status_code=200 if healthy else 503,
    )
