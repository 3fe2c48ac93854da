"""API tokens: created, listed and revoked, each write audited by the service itself."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import TOKEN_PREFIX, Actor, hash_token
from archive._errors import NotFoundError, ValidationError
from archive._schemas import TokenPublic
from archive._units import assignable_unit
from archive._vocabulary import Role
from archive.db._models import ApiToken, User, utcnow


def token_public(token: ApiToken) -> TokenPublic:
    """The public form of a token (never its hash)."""
    return TokenPublic(
        id=token.id,
        name=token.name,
        role=Role(token.role),
        created_at=token.created_at,
        created_by=token.created_by,
        revoked_at=token.revoked_at,
        user=token.user.username if token.user is not None else None,
        last_used_at=token.last_used_at,
        unit=token.unit,
    )


def create_token(
    session: Session,
    *,
    name: str,
    role: Role,
    actor: Actor,
    owner: User | None = None,
    unit: str | None = None,
) -> tuple[ApiToken, str]:
    """A new token row and its secret, which is shown once and never stored; audited.

    ``owner`` is the person answerable for the machine that holds it; ``unit`` the unit whose
    cases it sees (None: the top unit). ValidationError when ``name`` is blank (a token must
    say who or what holds it) or the unit is unknown.
    """
    if not name.strip():
        raise ValidationError(
            f"a token needs a name saying who or what holds it; {name!r} is blank"
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip(),
        role=role.value,
        token_hash=hash_token(secret),
        created_by=actor.name,
        user=owner,
        unit=assignable_unit(session, code=unit, actor=actor),
    )
    session.add(token)
    session.flush()
    _audit(session, token, actor=actor, action="token.create")
    return token, secret


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token, newest first (hashes only)."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, *, token_id: int, actor: Actor) -> ApiToken:
    """Mark a token revoked; it stops working at once; audited."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"no API token with id {token_id}; list them with GET /api/v1/tokens")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    _audit(session, token, actor=actor, action="token.revoke")
    return token


def _audit(session: Session, token: ApiToken, *, actor: Actor, action: str) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        entity_type="token",
        entity_id=str(token.id),
        after=token_public(token).model_dump(mode="json"),
    )
