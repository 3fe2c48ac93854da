"""Web sessions held by the server: a random cookie per sign-in, never the API token itself.

Signing in with an API token starts a session whose secret only the browser's cookie holds (the
database keeps its sha256). A session ends on sign-out, after its lifetime, after it has been
idle too long, or when its token is revoked; every sign-in gets a new secret, so a cookie (and
the CSRF token derived from it) from before is worth nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.orm import Session

from archive._auth import Actor, actor_of, hash_token, valid_token
from archive._errors import UnauthenticatedError
from archive.db._models import WebSession, utcnow

_TOUCH_EVERY = dt.timedelta(seconds=60)
_SIGN_IN_AGAIN = "请重新登录"


def start_session(session: Session, *, api_token: str, lifetime: dt.timedelta) -> str:
    """A new session for the holder of ``api_token``; its secret, for the cookie only.

    UnauthenticatedError when the token is unknown or revoked.
    """
    token = valid_token(session, api_token)
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            id=hash_token(secret),
            token_id=token.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return secret


def session_actor(session: Session, *, secret: str | None, idle: dt.timedelta) -> Actor:
    """The actor of a live session (and it is marked seen); UnauthenticatedError otherwise."""
    row = session.get(WebSession, hash_token(secret)) if secret else None
    now = utcnow()
    if row is None or row.ended_at is not None:
        raise UnauthenticatedError(f"未登录或已退出：{_SIGN_IN_AGAIN}")
    if now >= row.expires_at:
        raise UnauthenticatedError(f"登录已过期：{_SIGN_IN_AGAIN}")
    if now - row.last_seen_at >= idle:
        row.ended_at = now
        session.commit()
        raise UnauthenticatedError(f"长时间未操作，登录已失效：{_SIGN_IN_AGAIN}")
    if row.token.revoked_at is not None:
        raise UnauthenticatedError(f"登录所用的令牌已被吊销：{_SIGN_IN_AGAIN}")
    if now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        session.commit()
    return actor_of(row.token)


def end_session(session: Session, *, secret: str | None) -> None:
    """End the session of this secret (nothing happens for an unknown one)."""
    row = session.get(WebSession, hash_token(secret)) if secret else None
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
