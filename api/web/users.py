"""The admin's page of users: who may sign in, their role and unit; create, change, disable,
enable, reset; and the organisation's units, shown as a tree and created there."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.deps import SessionDep, form_actor, get_page_actor, get_rule_book, get_settings
from api.web.render import PageRoute, render
from archive import (
    Actor,
    Permission,
    Role,
    ValidationError,
    create_unit,
    create_user,
    list_tokens,
    list_users,
    new_temporary_password,
    reset_password,
    set_active,
    token_public,
    unit_posts,
    unit_tree,
    update_user,
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
    return users_page_response(request, session, actor)


def users_page_response(
    request: Request, session: Session, actor: Actor, *, message: str = "", temporary: str = ""
) -> Response:
    """The page of users, units, post holders and tokens, with a message on what was done."""
    rules = get_rule_book(get_settings(request))
    tree = unit_tree(session)
    return render(
        request,
        "users.html",
        {
            "users": [user_public(user) for user in list_users(session)],
            "tokens": [token_public(token) for token in list_tokens(session)],
            "message": message,
            "temporary": temporary,
            "roles": list(Role),
            "units": tree.in_order(),
            "unit_names": {code: unit.name for code, unit in tree.units.items()},
            "posts": rules.posts,
            "held_posts": unit_posts(session, actor=actor),
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
    return users_page_response(request, session, actor, message=f"已停用用户 {username}。")


@router.post("/admin/users/{username}/enable")
def enable_user(
    request: Request, username: str, session: SessionDep, actor: AdminFormDep
) -> Response:
    """Enable a user again (a lock-out ends too)."""
    set_active(session, username=username, active=True, actor=actor)
    session.commit()
    return users_page_response(request, session, actor, message=f"已启用用户 {username}。")


@router.post("/admin/users/{username}/reset")
def reset_user(
    request: Request, username: str, session: SessionDep, actor: AdminFormDep
) -> Response:
    """Give the user a temporary password, shown on this page once."""
    temporary = reset_password(session, username=username, actor=actor)
    session.commit()
    return users_page_response(
        request,
        session,
        actor,
        message=f"已重置用户 {username} 的密码，请当面或通过安全渠道告知；下次登录须修改。",
        temporary=temporary,
    )


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        accepted = ", ".join(role.value for role in Role)
        raise ValidationError(f"角色 {value!r} 无效 / unknown role; accepted: {accepted}") from None


@router.post("/admin/users")
def create_user_page(
    request: Request,
    session: SessionDep,
    actor: AdminFormDep,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
    unit: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Create a user with a temporary password, shown here once, to change at first sign-in."""
    temporary = new_temporary_password()
    user = create_user(
        session,
        username=username.strip(),
        password=temporary,
        role=_role(role),
        display_name=display_name,
        unit=unit.strip() or None,
        temporary=True,
        actor=actor,
    )
    session.commit()
    return users_page_response(
        request,
        session,
        actor,
        message=f"已创建用户 {user.username}，请通过安全渠道告知临时密码；首次登录须修改。",
        temporary=temporary,
    )


@router.post("/admin/users/{username}/update")
def update_user_page(
    request: Request,
    username: str,
    session: SessionDep,
    actor: AdminFormDep,
    role: Annotated[str, Form(max_length=16)] = "",
    unit: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Give a user another role or unit."""
    update_user(
        session, username=username, role=_role(role), unit=unit.strip() or None, actor=actor
    )
    session.commit()
    return users_page_response(
        request, session, actor, message=f"已修改用户 {username} 的角色与单位。"
    )


@router.post("/admin/units")
def create_unit_page(
    request: Request,
    session: SessionDep,
    actor: AdminFormDep,
    code: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    parent: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Create a unit under one of the admin's (default the top unit)."""
    unit = create_unit(
        session, code=code.strip(), name=name, parent=parent.strip() or None, actor=actor
    )
    session.commit()
    return users_page_response(
        request, session, actor, message=f"已创建单位 {unit.name}（{unit.code}）。"
    )
