"""The health check, the static files, sign-in and sign-out, and the web UI's page routers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api._deps import DatabaseDep, SessionDep, StoreDep
from api._web_audit import router as audit_router
from api._web_auth import (
    CSRF_FIELD,
    PageActorDep,
    check_csrf,
    check_signin_csrf,
    clear_session_cookie,
    new_signin_csrf,
    set_session_cookie,
    set_signin_csrf_cookie,
)
from api._web_case import router as case_router
from api._web_cases import router as cases_router
from api._web_corrections import router as corrections_router
from api._web_documents import router as documents_router
from api._web_documents import script_router as documents_script_router
from api._web_render import PageRoute, render
from api._web_search import router as search_router
from archive import STAGE_LABELS_ZH, NotFoundError, Stage, UnauthenticatedError, authenticate
from core import YekuoError

router = APIRouter()
pages = APIRouter(route_class=PageRoute, include_in_schema=False)

_STATIC_DIR = Path(__file__).with_name("static")
_STATIC_TYPES = {".css": "text/css", ".js": "text/javascript"}


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


@pages.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    """A stylesheet or script of the web UI (only files shipped in api/static)."""
    path = _STATIC_DIR / name
    media_type = _STATIC_TYPES.get(path.suffix)
    if media_type is None or "/" in name or name.startswith(".") or not path.is_file():
        raise NotFoundError(f"no static file {name!r}")
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})


@pages.get("/")
def index(actor: PageActorDep) -> RedirectResponse:
    """The start page: the cases list once signed in (sign-in otherwise)."""
    return RedirectResponse("/cases", status_code=303)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/cases"


def _signin_page(
    request: Request, *, next_url: str, message: str = "", status_code: int = 200
) -> Response:
    signin_csrf = new_signin_csrf()
    response = render(
        request,
        "signin.html",
        {
            "next_url": next_url,
            "message": message,
            "signin_csrf": signin_csrf,
            "stages": [STAGE_LABELS_ZH[stage] for stage in Stage],
        },
        actor=None,
        status_code=status_code,
    )
    set_signin_csrf_cookie(request, response, signin_csrf)
    return response


@pages.get("/signin")
def signin_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form: paste the API token an administrator created."""
    return _signin_page(request, next_url=_safe_next(next))


@pages.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next_url: Annotated[str, Form(alias="next")] = "/cases",
) -> Response:
    """Check the token, keep it in an HttpOnly cookie, and go where the user was going."""
    check_signin_csrf(request, csrf_token)
    target = _safe_next(next_url)
    try:
        authenticate(session, token.strip())
    except UnauthenticatedError:
        return _signin_page(
            request,
            next_url=target,
            message="令牌无效或已被吊销，请核对后重试，或请管理员重新创建令牌。",
            status_code=401,
        )
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, token.strip())
    return response


@pages.post("/signout")
def signout(
    request: Request,
    actor: PageActorDep,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> RedirectResponse:
    """Forget the token in this browser."""
    check_csrf(request, csrf_token)
    response = RedirectResponse("/signin", status_code=303)
    clear_session_cookie(response)
    return response


for page_router in (
    pages,
    cases_router,
    case_router,
    corrections_router,
    documents_router,
    documents_script_router,
    search_router,
    audit_router,
):
    router.include_router(page_router)
