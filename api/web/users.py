"""The admin's page of users: who may sign in, their role and unit; disable, enable, reset."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.deps import SessionDep, form_actor, get_page_actor
from api.web.render import PageRoute, render
from archive import (
    Actor,
    Permission,
    list_tokens,
    list_users,
    reset_password,
    set_active,
    token_public,
    user_public,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
AdminFormDep = Annotated[Actor, Depends(form_actor(Permission.manage_users))]


@router.get("/admin/users")
def users_page(
    request: Request, session: SessionDep, actor: Annotated[Actor, Depends(get_page_actor)]
) -> Response:
    """Every user and every API token with its owner and last use (admin)."""
    actor.require(Permission.manage_users)
    return _page(request, session, actor)


def _page(
    request: Request, session: Session, actor: Actor, *, message: str = "", temporary: str = ""
) -> Response:
    return render(
        request,
        "users.html",
        {
            "users": [user_public(user) for user in list_users(session)],
            "tokens": [token_public(token) for token in list_tokens(session)],
            "message": message,
            "temporary": temporary,
        },
        actor=actor,
    )


@router.post("/admin/users/{username}/disable")
def disable_user(
    request: Request, username: str, session: SessionDep, actor: AdminFormDep
) -> Response:
    """Disable a user: their sign-ins and tokens stop working at once."""
    set_active(session, username=username, active=False, actor=actor)
    session.commit()
    return _page(request, session, actor, message=f"已停用用户 {username}。")


@router.post("/admin/users/{username}/enable")
def enable_user(
    request: Request, username: str, session: SessionDep, actor: AdminFormDep
) -> Response:
    """Enable a user again (a lock-out ends too)."""
    set_active(session, username=username, active=True, actor=actor)
    session.commit()
    return _page(request, session, actor, message=f"已启用用户 {username}。")


@router.post("/admin/users/{username}/reset")
def reset_user(
    request: Request, username: str, session: SessionDep, actor: AdminFormDep
) -> Response:
    """Give the user a temporary password, shown on this page once."""
    temporary = reset_password(session, username=username, actor=actor)
    session.commit()
    return _page(
        request,
        session,
        actor,
        message=f"已重置用户 {username} 的密码，请当面或通过安全渠道告知；下次登录须修改。",
        temporary=temporary,
    )
