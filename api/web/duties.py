"""Forms of stage duties: a reviewer gives a case's current stage to someone else; an admin
sets who holds a post (岗位) in a unit (the section 岗位人员 of the page 用户)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import RulesDep, SessionDep, form_actor
from api.web.render import PageRoute
from api.web.users import AdminFormDep, users_page_response
from archive import Actor, DutyUpdate, Permission, assign_post, change_duty, get_case, unit_tree

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.post("/cases/{case_no}/duty")
def change_duty_page(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.correct))],
    post: Annotated[str, Form(max_length=32)] = "",
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Give the current stage to another post or person, as ``PUT /cases/{case_no}/duty``."""
    case = get_case(session, case_no=case_no, actor=actor)
    change = DutyUpdate(post=post.strip() or None, username=username.strip() or None)
    change_duty(session, case, change=change, book=rules, actor=actor)
    session.commit()
    return RedirectResponse(f"/cases/{case.case_no}?duty=1#stays-h", status_code=303)


@router.post("/admin/posts")
def assign_post_page(
    request: Request,
    session: SessionDep,
    rules: RulesDep,
    actor: AdminFormDep,
    unit: Annotated[str, Form(max_length=64)] = "",
    post: Annotated[str, Form(max_length=32)] = "",
    username: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Make a user the holder of a post in a unit, as ``yekuo duty assign`` does."""
    held = assign_post(
        session,
        unit=unit.strip(),
        post=post.strip(),
        username=username.strip(),
        book=rules,
        actor=actor,
    )
    session.commit()
    unit_name = unit_tree(session).units[held.unit].name
    return users_page_response(
        request,
        session,
        actor,
        message=f"已设置 {unit_name} 的{rules.post_label(held.post)}为 {held.user.display_name}。",
    )
