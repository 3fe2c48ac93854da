"""Sign-ins held by the server: a random secret per sign-in, never a password or API token.

A browser signs in with a user name and password (or an API token) and gets a session whose
secret only its HttpOnly cookie holds (kind ``web``); ``POST /api/v1/auth/login`` gives a
session token sent as Bearer (kind ``api``). The database keeps each secret's sha256. A session
ends on sign-out, after its lifetime, after it has been idle too long, or when its token is
revoked or its user disabled; every sign-in gets a new secret, so a cookie (and the CSRF token
derived from it) from before is worth nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Literal

from sqlalchemy.orm import Session

from archive._auth import Actor, actor_of, authenticate, find_token, hash_token, valid_token
from archive._errors import UnauthenticatedError
from archive._users import user_actor
from archive.db._models import User, WebSession, utcnow

SessionKind = Literal["web", "api"]

_TOUCH_EVERY = dt.timedelta(seconds=60)
_SIGN_IN_AGAIN = "请重新登录"


def start_session(session: Session, *, api_token: str, lifetime: dt.timedelta) -> str:
    """A new browser session for the holder of ``api_token``; its secret, for the cookie only.

    UnauthenticatedError when the token is unknown or revoked.
    """
    token = valid_token(session, api_token)
    return _new_session(session, lifetime=lifetime, kind="web", token_id=token.id)


def start_user_session(
    session: Session, *, user: User, lifetime: dt.timedelta, kind: SessionKind
) -> tuple[str, dt.datetime]:
    """A new session of a signed-in ``user``: its secret and when it expires."""
    secret = _new_session(session, lifetime=lifetime, kind=kind, user_id=user.id)
    return secret, utcnow() + lifetime


def _new_session(
    session: Session,
    *,
    lifetime: dt.timedelta,
    kind: SessionKind,
    token_id: int | None = None,
    user_id: int | None = None,
) -> str:
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            id=hash_token(secret),
            token_id=token_id,
            user_id=user_id,
            kind=kind,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return secret


def session_actor(
    session: Session, *, secret: str | None, idle: dt.timedelta, kind: SessionKind = "web"
) -> Actor:
    """The actor of a live session of this kind (and it is marked seen); UnauthenticatedError
    otherwise."""
    row = session.get(WebSession, hash_token(secret)) if secret else None
    now = utcnow()
    if row is None or row.ended_at is not None or row.kind != kind:
        raise UnauthenticatedError(f"未登录或已退出：{_SIGN_IN_AGAIN}")
    if now >= row.expires_at:
        raise UnauthenticatedError(f"登录已过期：{_SIGN_IN_AGAIN}")
    if now - row.last_seen_at >= idle:
        row.ended_at = now
        session.commit()
        raise UnauthenticatedError(f"长时间未操作，登录已失效：{_SIGN_IN_AGAIN}")
    if row.token is not None and row.token.revoked_at is not None:
        raise UnauthenticatedError(f"登录所用的令牌已被吊销：{_SIGN_IN_AGAIN}")
    if row.user is not None and not row.user.active:
        raise UnauthenticatedError(f"账号已停用：{_SIGN_IN_AGAIN}")
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        session.commit()
    if row.user is not None:
        return user_actor(row.user)
    if row.token is None:
        raise UnauthenticatedError(f"未登录或已退出：{_SIGN_IN_AGAIN}")
    return actor_of(row.token)


def bearer_actor(session: Session, *, secret: str | None, idle: dt.timedelta) -> Actor:
    """The actor of a Bearer credential: an API token, or a session token from a login."""
    if secret and find_token(session, secret) is None:
        try:
            return session_actor(session, secret=secret, idle=idle, kind="api")
        except UnauthenticatedError as error:
            raise UnauthenticatedError(
                "the API or session token is unknown, revoked or expired; sign in again with "
                f"POST /api/v1/auth/login ({error.message})"
            ) from error
    return authenticate(session, secret)


def end_session(session: Session, *, secret: str | None, kind: SessionKind = "web") -> bool:
    """End the live session of this secret and kind; whether there was one."""
    row = session.get(WebSession, hash_token(secret)) if secret else None
    if row is None or row.ended_at is not None or row.kind != kind:
        return False
    row.ended_at = utcnow()
    return True
