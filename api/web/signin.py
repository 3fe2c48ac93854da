"""The web UI's start: its static files, the index page, sign-in and sign-out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from api._session import (
    CSRF_FIELD,
    SESSION_COOKIE,
    check_csrf,
    check_signin_csrf,
    clear_session_cookie,
    new_signin_csrf,
    set_session_cookie,
    set_signin_csrf_cookie,
)
from api.deps import DirectoryDep, PageActorDep, SessionDep, SettingsDep
from api.web.render import PageRoute, render
from archive import (
    STAGE_LABELS_ZH,
    ConflictError,
    DirectoryUnavailableError,
    NotFoundError,
    PasswordChangeRequiredError,
    Stage,
    UnauthenticatedError,
    ValidationError,
    change_password,
    end_session,
    sign_in,
    start_session,
    start_user_session,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

_STATIC_DIR = Path(__file__).with_name("static")
_STATIC_TYPES = {".css": "text/css", ".js": "text/javascript"}


@router.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    """A stylesheet or script of the web UI (only files shipped in api/static)."""
    path = _STATIC_DIR / name
    media_type = _STATIC_TYPES.get(path.suffix)
    if media_type is None or "/" in name or name.startswith(".") or not path.is_file():
        raise NotFoundError(f"no static file {name!r}")
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _signin_page(
    request: Request,
    *,
    next_url: str,
    message: str = "",
    status_code: int = 200,
    template: str = "signin.html",
    username: str = "",
) -> Response:
    signin_csrf = new_signin_csrf()
    response = render(
        request,
        template,
        {
            "next_url": next_url,
            "message": message,
            "signin_csrf": signin_csrf,
            "username": username,
            "stages": [STAGE_LABELS_ZH[stage] for stage in Stage],
        },
        actor=None,
        status_code=status_code,
    )
    set_signin_csrf_cookie(request, response, signin_csrf)
    return response


def _signed_in(
    request: Request, secret: str, *, target: str, lifetime: dt.timedelta
) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, secret, max_age=int(lifetime.total_seconds()))
    return response


@router.get("/signin")
def signin_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form: user name and password (or, for a machine's holder, an API token)."""
    return _signin_page(request, next_url=_safe_next(next))


@router.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    directory: DirectoryDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    token: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next_url: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Check the password (or token), start a session in an HttpOnly cookie, go where the user
    was going; a password an admin reset leads to the page that changes it."""
    check_signin_csrf(request, csrf_token)
    target = _safe_next(next_url)
    lifetime = dt.timedelta(hours=settings.session_hours)
    if not username.strip():
        return _token_signin(request, session, token=token, target=target, lifetime=lifetime)
    try:
        user = sign_in(session, username=username.strip(), password=password, directory=directory)
    except PasswordChangeRequiredError:
        return _signin_page(
            request,
            next_url=target,
            message="管理员已重置您的密码，请先设置新密码。",
            template="password.html",
            username=username.strip(),
        )
    except (UnauthenticatedError, DirectoryUnavailableError) as error:
        return _signin_page(
            request,
            next_url=target,
            message=error.message.split(" / ", 1)[0] + "。",
            status_code=503 if isinstance(error, DirectoryUnavailableError) else 401,
            username=username.strip(),
        )
    secret, _expires = start_user_session(session, user=user, lifetime=lifetime, kind="web")
    session.commit()
    return _signed_in(request, secret, target=target, lifetime=lifetime)


def _token_signin(
    request: Request, session: Session, *, token: str, target: str, lifetime: dt.timedelta
) -> Response:
    try:
        secret = start_session(session, api_token=token.strip(), lifetime=lifetime)
    except UnauthenticatedError:
        return _signin_page(
            request,
            next_url=target,
            message="令牌无效或已被吊销，请核对后重试，或请管理员重新创建令牌。",
            status_code=401,
        )
    session.commit()
    return _signed_in(request, secret, target=target, lifetime=lifetime)


@router.get("/signin/password")
def password_form(request: Request, next: str | None = None) -> Response:
    """The form that changes a password (required after an admin's reset)."""
    return _signin_page(request, next_url=_safe_next(next), template="password.html")


@router.post("/signin/password")
def password_change(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    new_password: Annotated[str, Form(max_length=200)] = "",
    new_password_again: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next_url: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Change the password with the current one, then sign in with the new one (the user's
    other sessions end)."""
    check_signin_csrf(request, csrf_token)
    target = _safe_next(next_url)
    lifetime = dt.timedelta(hours=settings.session_hours)
    name = username.strip()

    def again(message: str, status_code: int) -> Response:
        return _signin_page(
            request,
            next_url=target,
            message=message,
            status_code=status_code,
            template="password.html",
            username=name,
        )

    if new_password != new_password_again:
        return again("两次输入的新密码不一致。", 422)
    try:
        user = change_password(session, username=name, password=password, new_password=new_password)
    except UnauthenticatedError as error:
        return again(error.message.split(" / ", 1)[0] + "。", 401)
    except ValidationError as error:
        return again(error.message.split(" / ", 1)[0] + "。", 422)
    except ConflictError as error:  # a directory user's password is the directory's
        return again(error.message.split(" / ", 1)[0] + "。", 409)
    secret, _expires = start_user_session(session, user=user, lifetime=lifetime, kind="web")
    session.commit()
    return _signed_in(request, secret, target=target, lifetime=lifetime)


@router.post("/signout")
def signout(
    request: Request,
    session: SessionDep,
    _actor: PageActorDep,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> RedirectResponse:
    """End this browser's session (its cookie is worthless from now on) and forget it."""
    check_csrf(request, csrf_token)
    end_session(session, secret=request.cookies.get(SESSION_COOKIE))
    session.commit()
    response = RedirectResponse("/signin", status_code=303)
    clear_session_cookie(response)
    return response
