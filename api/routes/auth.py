"""Signing in with a user name and password: a session token for the API, and its end."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import DirectoryDep, SessionDep, SettingsDep, get_actor, require
from archive import (
    Actor,
    LoginAnswer,
    LoginRequest,
    PasswordChange,
    Permission,
    UserPublic,
    change_password,
    end_session,
    list_users,
    sign_in,
    start_user_session,
    user_public,
)
from core import Settings

router = APIRouter()
_bearer = HTTPBearer(auto_error=False)


def _lifetime(settings: Settings) -> dt.timedelta:
    return dt.timedelta(hours=settings.session_hours)


@router.post("/auth/login", tags=["auth"])
def login(
    body: LoginRequest, session: SessionDep, settings: SettingsDep, directory: DirectoryDep
) -> LoginAnswer:
    """Sign in as a user (a local account, or one of the directory): a session token to send
    as ``Authorization: Bearer``.

    401 for a wrong user name or password, a disabled account, one locked for 15 minutes after
    5 wrong passwords in a row, one whose password an admin reset (change it first with
    POST /auth/password), or a directory user in no group mapped to a role; the message says
    which, in Chinese and English. 503 when the directory does not answer.
    """
    user = sign_in(session, username=body.username, password=body.password, directory=directory)
    token, expires_at = start_user_session(
        session, user=user, lifetime=_lifetime(settings), kind="api"
    )
    session.commit()
    return LoginAnswer(token=token, expires_at=expires_at)


@router.post("/auth/password", tags=["auth"])
def post_password(body: PasswordChange, session: SessionDep, settings: SettingsDep) -> LoginAnswer:
    """Change a password with the current one (also the one an admin's reset gave), and sign in.

    The user's other sessions end; the token answered is the one that lives on. 401 as for
    signing in; 422 when the new password is shorter than 10 characters, holds the user name
    or is the current one; 409 for a directory user (change it in the directory).
    """
    user = change_password(
        session, username=body.username, password=body.password, new_password=body.new_password
    )
    token, expires_at = start_user_session(
        session, user=user, lifetime=_lifetime(settings), kind="api"
    )
    session.commit()
    return LoginAnswer(token=token, expires_at=expires_at)


@router.post("/auth/logout", tags=["auth"])
def logout(
    session: SessionDep,
    _actor: Annotated[Actor, Depends(get_actor)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> dict[str, bool]:
    """End the session of this session token; ``ended`` false for an API token, which only
    an admin revokes (DELETE /tokens/{id})."""
    ended = end_session(
        session, secret=credentials.credentials if credentials else None, kind="api"
    )
    session.commit()
    return {"ended": ended}


@router.get("/users", tags=["auth"])
def get_users(
    session: SessionDep, _actor: Annotated[Actor, Depends(require(Permission.manage_users))]
) -> list[UserPublic]:
    """Every user, without password hashes (admin)."""
    return [user_public(user) for user in list_users(session)]
