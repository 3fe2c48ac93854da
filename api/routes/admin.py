"""Routes of tokens (admin) and the audit trail (auditor, admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api._input import IsoDateTime, Offset, RowId
from api.deps import AuditKeyDep, SessionDep, StoreDep, require
from archive import (
    Actor,
    AuditEventPublic,
    AuditFilter,
    AuditPage,
    Permission,
    TokenCreate,
    TokenCreated,
    TokenPublic,
    ValidationError,
    create_token,
    find_user,
    list_tokens,
    query_events,
    revoke_token,
    token_public,
    verify_audit,
)

router = APIRouter()
_WHO = "who acted: a user as user name（display name）, e.g. wang.xm（王小明）, or a token's name"
AdminDep = Annotated[Actor, Depends(require(Permission.manage_tokens))]
AuditorDep = Annotated[Actor, Depends(require(Permission.read_audit))]


@router.post("/tokens", status_code=201, tags=["tokens"])
def post_token(body: TokenCreate, session: SessionDep, actor: AdminDep) -> TokenCreated:
    """Create a token, owned by ``user`` if given, seeing the cases of ``unit`` (default the
    admin's own unit); its secret is in this response only (admin)."""
    owner = find_user(session, body.user) if body.user else None
    if body.user and owner is None:
        raise ValidationError(f"no user {body.user!r} to own the token; see GET /api/v1/users")
    token, secret = create_token(
        session,
        name=body.name,
        role=body.role,
        actor=actor,
        owner=owner,
        unit=body.unit or actor.unit,
    )
    public = token_public(token)
    session.commit()
    return TokenCreated(**public.model_dump(), token=secret)


@router.get("/tokens", tags=["tokens"])
def get_tokens(session: SessionDep, actor: AdminDep) -> list[TokenPublic]:
    """Every token, without secrets (admin)."""
    return [token_public(token) for token in list_tokens(session)]


@router.delete("/tokens/{token_id}", tags=["tokens"])
def delete_token(token_id: RowId, session: SessionDep, actor: AdminDep) -> TokenPublic:
    """Revoke a token; it stops working at once (admin)."""
    token = revoke_token(session, token_id=token_id, actor=actor)
    session.commit()
    return token_public(token)


@router.get("/audit", tags=["audit"])
def get_audit(
    session: SessionDep,
    actor: AuditorDep,
    case_no: str | None = None,
    user: Annotated[
        str | None,
        Query(description="who acted: a user as user name（display name）, or a token's name"),
    ] = None,
    action: str | None = None,
    since: Annotated[IsoDateTime | None, Query(description="events at or after")] = None,
    until: Annotated[IsoDateTime | None, Query(description="events before")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> AuditPage:
    """Audit events, newest first (auditor, admin)."""
    where = AuditFilter(
        case_no=case_no,
        actor=user,
        action=action,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    total, events = query_events(session, where=where, actor=actor)
    return AuditPage(
        total=total,
        events=[AuditEventPublic.model_validate(event, from_attributes=True) for event in events],
    )


@router.get("/audit/verify", tags=["audit"])
def get_audit_verify(
    session: SessionDep, store: StoreDep, key: AuditKeyDep, actor: AuditorDep
) -> dict[str, object]:
    """Re-compute the audit chain against its signed checkpoints (auditor, admin).

    Says whether any event was altered, re-hashed or removed, and how far the checkpoints reach.
    """
    report = verify_audit(session, store=store, key=key)
    return {
        "events": report.events,
        "intact": report.intact,
        "first_broken_id": report.first_broken_id,
        "anchored_through": report.anchored_through,
        "message": report.message,
    }
