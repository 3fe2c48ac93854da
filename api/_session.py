"""The web UI's session cookie and the CSRF token derived from it.

The browser keeps the secret of its server-side session (``archive._sessions``; never the API
token) in an HttpOnly, SameSite=Strict cookie, so scripts on the page cannot read it and other
sites cannot send it. Every form and every script request that changes something also carries
a CSRF token: an HMAC of the session secret, which only a page served to the signed-in browser
knows and which changes with every sign-in. Before sign-in, the sign-in form uses a
double-submit token (a random cookie repeated in the form).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from archive import ForbiddenError

SESSION_COOKIE = "yekuo_session"
SIGNIN_CSRF_COOKIE = "yekuo_signin_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_CSRF_CONTEXT = b"yekuo web csrf v1"


def csrf_token_for(session_secret: str) -> str:
    """The CSRF token of a signed-in browser: an HMAC keyed by its session's secret."""
    return hmac.new(session_secret.encode(), _CSRF_CONTEXT, hashlib.sha256).hexdigest()


def _same(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(
    request: Request, response: Response, session_secret: str, *, max_age: int
) -> None:
    """Keep the session's secret in the browser: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        session_secret,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
    )


def clear_session_cookie(response: Response) -> None:
    """Forget the session in the browser."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


def new_signin_csrf() -> str:
    """A fresh double-submit token for the sign-in form."""
    return secrets.token_urlsafe(24)


def set_signin_csrf_cookie(request: Request, response: Response, token: str) -> None:
    """Set the sign-in form's double-submit token as a cookie too."""
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        token,
        max_age=60 * 60,
        path="/signin",
        httponly=True,
        samesite="strict",
        secure=_is_https(request),
    )


def check_signin_csrf(request: Request, given: str | None) -> None:
    """ForbiddenError unless the sign-in form repeats the cookie's token."""
    if not _same(request.cookies.get(SIGNIN_CSRF_COOKIE, ""), given):
        raise ForbiddenError("登录页已过期，请刷新登录页后重新登录")


def page_csrf(request: Request) -> str:
    """The CSRF token pages of this browser put in their forms ('' when not signed in)."""
    secret = request.cookies.get(SESSION_COOKIE)
    return csrf_token_for(secret) if secret else ""


def check_csrf(request: Request, given: str | None) -> None:
    """ForbiddenError unless ``given`` is this browser's CSRF token."""
    expected = page_csrf(request)
    if not expected or not _same(expected, given):
        raise ForbiddenError("页面已过期，请刷新页面后重新提交")
