"""API tokens, the actor behind a request, and what each role may do."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._errors import ForbiddenError, UnauthenticatedError
from archive._vocabulary import Role
from archive.db._models import ApiToken

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
    print_covers = "print_covers"


# README's table of the HTTP API is the truth of who may call what; tests/e2e/test_roles.py
# reads it and calls every route as every role.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.archivist: frozenset(
        {Permission.read, Permission.create_case, Permission.upload, Permission.print_covers}
    ),
    Role.reviewer: frozenset(
        {
            Permission.read,
            Permission.check,
            Permission.advance,
            Permission.correct,
            Permission.search,
            Permission.print_covers,
        }
    ),
    Role.auditor: frozenset({Permission.read, Permission.search, Permission.read_audit}),
    Role.admin: frozenset(Permission),
}


@dataclass(frozen=True)
class Actor:
    """Who makes a request: a token's name and role (``system`` for the CLI and workers)."""

    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        """Whether this actor's role grants ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise ForbiddenError unless this actor's role grants ``permission``."""
        if not self.can(permission):
            allowed = sorted(
                role.value for role, perms in ROLE_PERMISSIONS.items() if permission in perms
            )
            raise ForbiddenError(
                f"role {self.role.value} (token {self.name!r}) may not {permission.value}; "
                f"this needs one of the roles {', '.join(allowed)}"
            )


SYSTEM = Actor(name="system", role=Role.admin)


def hash_token(secret: str) -> str:
    """The stored form of a token (tokens are random, so a plain sha256 is enough)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def authenticate(session: Session, secret: str | None) -> Actor:
    """The actor a bearer token belongs to; UnauthenticatedError if none or revoked."""
    return actor_of(valid_token(session, secret))


def actor_of(token: ApiToken) -> Actor:
    """Who acts with ``token``."""
    return Actor(name=token.name, role=Role(token.role))


def valid_token(session: Session, secret: str | None) -> ApiToken:
    """The unrevoked token whose secret this is; UnauthenticatedError otherwise."""
    if not secret:
        raise UnauthenticatedError(
            "no API token: send 'Authorization: Bearer <token>'; an admin creates tokens with "
            "`yekuo token create`"
        )
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None or token.revoked_at is not None:
        raise UnauthenticatedError(
            "the API token is unknown or revoked; ask an admin for a new one"
        )
    return token
