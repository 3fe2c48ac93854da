"""API tokens, the actor behind a request, and what each role may do."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._errors import ForbiddenError, UnauthenticatedError
from archive._vocabulary import Role
from archive.db._models import ApiToken, utcnow

TOKEN_PREFIX = "yk_"


class Permission(StrEnum):
    """Things a request may do; roles are sets of these."""

    read = "read"
    create_case = "create_case"
    upload = "upload"
    check = "check"
    advance = "advance"
    correct = "correct"
    search = "search"
    read_audit = "read_audit"
    manage_tokens = "manage_tokens"
    manage_users = "manage_users"
    view_pii = "view_pii"
    print_covers = "print_covers"
    release_job = "release_job"
    move_case = "move_case"
    archive = "archive"
    reopen = "reopen"
    borrow = "borrow"
    lend = "lend"
    update_record = "update_record"
    report = "report"


# README's table of the HTTP API is the truth of who may call what; tests/e2e/test_roles.py
# reads it and calls every route as every role.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.archivist: frozenset(
        {
            Permission.read,
            Permission.create_case,
            Permission.upload,
            Permission.print_covers,
            Permission.borrow,
            Permission.update_record,
        }
    ),
    Role.reviewer: frozenset(
        {
            Permission.read,
            Permission.check,
            Permission.advance,
            Permission.correct,
            Permission.search,
            Permission.view_pii,
            Permission.print_covers,
            Permission.archive,
            Permission.borrow,
            Permission.update_record,
            Permission.report,
        }
    ),
    Role.keeper: frozenset(
        {
            Permission.read,
            Permission.search,
            Permission.archive,
            Permission.reopen,
            Permission.lend,
        }
    ),
    Role.auditor: frozenset(
        {
            Permission.read,
            Permission.search,
            Permission.read_audit,
            Permission.borrow,
            Permission.report,
        }
    ),
    # An admin runs the installation, not the archive: like everyone but the keeper it reads
    # an archived case only on a loan, and never decides one (not even its own).
    Role.admin: frozenset(Permission) - {Permission.lend},
}


@dataclass(frozen=True)
class Actor:
    """Who makes a request: a user (``wang.xm（王小明）``) or a token's label, the role
    (``system`` for workers, ``cli`` for the server's command line) and the unit."""

    name: str
    role: Role
    unit: str | None = None
    """The code of the actor's unit: it sees that unit's cases and those of the units under
    it (``archive._scope``); None: the top unit, which sees every case."""
    username: str | None = None
    """The user name of a signed-in user (stage duties are theirs); None: a token or yekuo."""
    view_pii: bool | None = None
    """Whether this actor sees full citizen ID numbers; None: as its role does by default
    (``ROLE_PERMISSIONS``). The API sets it from ``YEKUO_PII_ROLES``."""

    def can(self, permission: Permission) -> bool:
        """Whether this actor's role grants ``permission``."""
        if permission is Permission.view_pii and self.view_pii is not None:
            return self.view_pii
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise ForbiddenError unless this actor's role grants ``permission``."""
        if not self.can(permission):
            allowed = sorted(
                role.value for role, perms in ROLE_PERMISSIONS.items() if permission in perms
            )
            raise ForbiddenError(
                f"role {self.role.value} ({self.name}) may not {permission.value}; "
                f"this needs one of the roles {', '.join(allowed)}"
            )


SYSTEM = Actor(name="system", role=Role.admin)


def hash_token(secret: str) -> str:
    """The stored form of a token (tokens are random, so a plain sha256 is enough)."""
    return hashlib.sha256(secret.encode()).hexdigest()


_TOUCH_EVERY = dt.timedelta(seconds=60)


def authenticate(session: Session, secret: str | None) -> Actor:
    """The actor an API token belongs to; UnauthenticatedError if none, revoked or its owner
    is disabled. Its last use is noted (at most once a minute, committed at once)."""
    token = valid_token(session, secret)
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= _TOUCH_EVERY:
        token.last_used_at = now
        session.commit()
    return actor_of(token)


def actor_of(token: ApiToken) -> Actor:
    """Who acts with ``token``: its label, which the audit trail names."""
    return Actor(name=token.name, role=Role(token.role), unit=token.unit)


def find_token(session: Session, secret: str) -> ApiToken | None:
    """The token whose secret this is, revoked or not."""
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))


def valid_token(session: Session, secret: str | None) -> ApiToken:
    """The unrevoked token, of an active owner, whose secret this is; UnauthenticatedError
    otherwise."""
    if not secret:
        raise UnauthenticatedError(
            "no API token: send 'Authorization: Bearer <token>' with an API token (`yekuo "
            "token create`) or a session token (POST /api/v1/auth/login)"
        )
    token = find_token(session, secret)
    if token is None or token.revoked_at is not None:
        raise UnauthenticatedError(
            "the API token is unknown or revoked; ask an admin for a new one"
        )
    if token.user is not None and not token.user.active:
        raise UnauthenticatedError(
            f"the API token belongs to the disabled user {token.user.username!r}"
        )
    return token
