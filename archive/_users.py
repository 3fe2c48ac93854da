"""Accounts: people who sign in with a user name and password, and what happens to them.

Passwords are kept as argon2id hashes only. Five wrong passwords in a row lock an account for
15 minutes (audited ``user.locked``); an admin's reset gives a temporary password that must be
changed at the next sign-in, while a password given at creation is the user's own. Every write
is audited by the service itself.

With a directory configured, a name that is no local account is checked by the directory: the
person's row is created at their first sign-in (``source`` ldap, no password kept, audited
``user.provisioned``) and their display name, role and unit follow the directory at each one.
A local account is never checked by the directory, so no directory entry can take it over.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._directory import Directory, DirectoryAccount
from archive._errors import ConflictError, NotFoundError, UnauthenticatedError, ValidationError
from archive._schemas import UserPublic
from archive._units import assignable_unit
from archive._vocabulary import Role
from archive.db._models import Unit, User, WebSession, utcnow

MIN_PASSWORD_LENGTH = 10
MAX_FAILED_ATTEMPTS = 5
LOCK_OUT = dt.timedelta(minutes=15)
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
_HASHER = PasswordHasher()  # argon2id, RFC 9106's low-memory profile
_WRONG = "用户名或密码错误 / wrong user name or password"


class PasswordChangeRequiredError(UnauthenticatedError):
    """The password is right but was set by an admin's reset: it must be changed first."""


def check_password_policy(username: str, password: str) -> None:
    """ValidationError unless ``password`` has 10+ characters and does not hold the user name."""
    if len(password) < MIN_PASSWORD_LENGTH or username.lower() in password.lower():
        raise ValidationError(
            f"密码至少 {MIN_PASSWORD_LENGTH} 个字符，且不能包含用户名 / a password needs at "
            f"least {MIN_PASSWORD_LENGTH} characters and must not contain the user name"
        )


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted, with the library's parameters)."""
    return _HASHER.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def user_label(user: User) -> str:
    """How the audit trail names a user: ``wang.xm（王小明）``."""
    return f"{user.username}（{user.display_name}）"


def user_actor(user: User) -> Actor:
    """Who acts when ``user`` is signed in."""
    return Actor(
        name=user_label(user), role=Role(user.role), unit=user.unit, username=user.username
    )


def user_public(user: User) -> UserPublic:
    """The public form of a user (never the hash)."""
    return UserPublic(
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        unit=user.unit,
        active=user.active,
        locked_until=user.locked_until,
        must_change_password=user.must_change_password,
        created_at=user.created_at,
        source="ldap" if user.source == "ldap" else "local",
    )


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    actor: Actor,
    display_name: str = "",
    unit: str | None = None,
    temporary: bool = False,
) -> User:
    """A new active user whose password is their own (no change forced), or, ``temporary``,
    one an admin hands over and the user must change at the first sign-in; audited.

    ValidationError for a malformed user name, a password the policy refuses or an unknown
    unit (None: the top unit); ConflictError
    when the user name is taken.
    """
    if not _USERNAME.fullmatch(username):
        raise ValidationError(
            f"user name {username!r} is refused: 2-64 characters of a-z, 0-9, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    check_password_policy(username, password)
    if find_user(session, username) is not None:
        raise ConflictError(f"user {username!r} already exists; list users with `yekuo user list`")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role.value,
        unit=assignable_unit(session, code=unit, actor=actor),
        password_hash=hash_password(password),
        must_change_password=temporary,
        created_by=actor.name,
    )
    session.add(user)
    session.flush()
    _audit(session, user, actor=actor, action="user.create")
    return user


def find_user(session: Session, username: str) -> User | None:
    """The user of this name, if any."""
    return session.scalar(select(User).where(User.username == username))


def get_user(session: Session, username: str) -> User:
    """The user of this name; NotFoundError otherwise."""
    user = find_user(session, username)
    if user is None:
        raise NotFoundError(f"no user {username!r}; list them with `yekuo user list`")
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by user name."""
    return list(session.scalars(select(User).order_by(User.username)))


def set_active(session: Session, *, username: str, active: bool, actor: Actor) -> User:
    """Disable (their sign-ins and tokens stop working) or enable a user; audited."""
    user = get_user(session, username)
    user.active = active
    if active:
        user.failed_attempts, user.locked_until = 0, None
    _audit(session, user, actor=actor, action="user.enable" if active else "user.disable")
    return user


def new_temporary_password() -> str:
    """A random password for an admin to hand over (16 characters, URL-safe)."""
    return secrets.token_urlsafe(12)


def update_user(
    session: Session, *, username: str, role: Role, unit: str | None, actor: Actor
) -> User:
    """Give a user another role or unit (their next request acts with it); audited."""
    user = get_user(session, username)
    before = user_public(user).model_dump(mode="json")
    user.role, user.unit = role.value, assignable_unit(session, code=unit, actor=actor)
    _audit(session, user, actor=actor, action="user.update", before=before)
    return user


def reset_password(session: Session, *, username: str, actor: Actor) -> str:
    """Give the user a temporary password, to be changed at the next sign-in, and end their
    live sign-ins; audited."""
    user = get_user(session, username)
    _refuse_directory_user(user)
    end_user_sessions(session, user=user)
    temporary = new_temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.failed_attempts, user.locked_until = 0, None
    _audit(session, user, actor=actor, action="user.password_reset")
    return temporary


def sign_in(
    session: Session,
    *,
    username: str,
    password: str,
    directory: Directory | None = None,
    now: dt.datetime | None = None,
) -> User:
    """The user whose name and password these are (the failure count reset); a name that is
    no local account is checked by ``directory`` when there is one.

    UnauthenticatedError for a wrong pair, a disabled or a locked account (the fifth wrong
    password in a row locks it for 15 minutes, audited ``user.locked``; the caller must commit
    even then) or a directory user in no mapped group; PasswordChangeRequiredError when the
    right password was an admin's reset; DirectoryUnavailableError when the directory does
    not answer.
    """
    now = now or utcnow()
    user = check_password(
        session, username=username, password=password, now=now, directory=directory
    )
    if user.must_change_password:
        raise PasswordChangeRequiredError(
            "密码已由管理员重置，请先修改密码 / the password was reset by an admin: change it "
            "first (POST /api/v1/auth/password or the sign-in page)"
        )
    return user


def check_password(
    session: Session,
    *,
    username: str,
    password: str,
    now: dt.datetime,
    directory: Directory | None = None,
) -> User:
    """The user if the password is right and the account may sign in.

    A wrong password is counted and committed at once, so the count outlives the refusal.
    """
    user = find_user(session, username)
    if user is None or user.source == "ldap":
        return _check_in_directory(
            session, user=user, username=username, password=password, now=now, directory=directory
        )
    _refuse_locked(user, now)
    if not password_matches(user.password_hash or "", password):
        _count_failure(session, user, now)
        raise UnauthenticatedError(_WRONG)
    return _signed_in(user)


def _check_in_directory(
    session: Session,
    *,
    user: User | None,
    username: str,
    password: str,
    now: dt.datetime,
    directory: Directory | None,
) -> User:
    """The directory's user of this name and password, created or brought up to date."""
    if directory is None:
        if user is None:
            password_matches(_dummy_hash(), password)  # the same time as for a real user
            raise UnauthenticatedError(_WRONG)
        raise UnauthenticatedError(
            "该账号由目录服务登录，但目录服务未配置，请联系管理员 / this account signs in "
            "through the directory, which is not configured (YEKUO_LDAP_URL)"
        )
    if user is not None:
        _refuse_locked(user, now)
    valid_name = _USERNAME.fullmatch(username) is not None
    account = directory.authenticate(username=username, password=password) if valid_name else None
    if account is None:
        if user is not None:
            _count_failure(session, user, now)
        raise UnauthenticatedError(_WRONG)
    if account.role is None:
        raise UnauthenticatedError(
            f"目录账号 {username} 不属于任何可登录本系统的组，请联系管理员 / the directory knows "
            f"{username}, but none of their groups is mapped to a role (YEKUO_LDAP_GROUP_ROLES): "
            "ask an administrator to add them to a mapped group"
        )
    if account.unit is not None and session.get(Unit, account.unit) is None:
        # Never the top unit by default: that would show every case to someone of one unit.
        raise UnauthenticatedError(
            f"目录账号 {username} 所属的单位 {account.unit} 在本系统中不存在，"
            "请管理员先建立该单位 / "
            f"the directory puts {username} in unit {account.unit!r}, which yekuo does not have: "
            f"create it first (yekuo unit create {account.unit} --name …)"
        )
    return _signed_in(_provision(session, user=user, username=username, account=account))


def _provision(
    session: Session, *, user: User | None, username: str, account: DirectoryAccount
) -> User:
    """The row of a directory user: created at the first sign-in, else updated from the
    directory; audited when it is created or changes."""
    assert account.role is not None
    if user is None:
        user = User(
            username=username,
            display_name=account.display_name,
            role=account.role.value,
            unit=account.unit,
            password_hash=None,
            source="ldap",
            created_by="ldap",
        )
        session.add(user)
        session.flush()
        _audit(session, user, actor=user_actor(user), action="user.provisioned")
        return user
    before = user_public(user).model_dump(mode="json")
    user.display_name, user.role, user.unit = account.display_name, account.role.value, account.unit
    if user_public(user).model_dump(mode="json") != before:
        _audit(
            session, user, actor=user_actor(user), action="user.directory_updated", before=before
        )
    return user


def _refuse_locked(user: User, now: dt.datetime) -> None:
    if user.locked_until is not None and user.locked_until > now:
        raise UnauthenticatedError(
            f"账号已锁定，请于 {user.locked_until:%H:%M} (UTC) 后重试 / the account is locked "
            f"after {MAX_FAILED_ATTEMPTS} wrong passwords until {user.locked_until:%H:%M} UTC"
        )


def _count_failure(session: Session, user: User, now: dt.datetime) -> None:
    """Count a wrong password (the fifth in a row locks the account) and commit it."""
    user.failed_attempts += 1
    if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
        user.failed_attempts, user.locked_until = 0, now + LOCK_OUT
        _audit(session, user, actor=user_actor(user), action="user.locked")
    session.commit()  # the count must outlive the refused request


def _signed_in(user: User) -> User:
    """``user`` once the password was right: refused when disabled, else the count reset."""
    if not user.active:
        raise UnauthenticatedError("账号已停用，请联系管理员 / the account is disabled")
    user.failed_attempts, user.locked_until = 0, None
    return user


def change_password(
    session: Session,
    *,
    username: str,
    password: str,
    new_password: str,
    now: dt.datetime | None = None,
) -> User:
    """Set a new password after checking the current one (a forced change ends); audited.

    The user's live sign-ins (web and API sessions) end: the caller starts the one to keep.
    UnauthenticatedError as for signing in; ValidationError when the policy refuses the new
    password or it is the current one; ConflictError for a directory user (the password is
    the directory's).
    """
    found = find_user(session, username)
    if found is not None:
        _refuse_directory_user(found)
    user = check_password(session, username=username, password=password, now=now or utcnow())
    check_password_policy(username, new_password)
    if new_password == password:
        raise ValidationError("新密码不能与当前密码相同 / the new password must differ")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    end_user_sessions(session, user=user)
    _audit(session, user, actor=user_actor(user), action="user.password_changed")
    return user


def end_user_sessions(session: Session, *, user: User) -> None:
    """End every live sign-in of ``user``, web and API alike (not their API tokens)."""
    session.execute(
        update(WebSession)
        .where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def _refuse_directory_user(user: User) -> None:
    if user.source == "ldap":
        raise ConflictError(
            f"目录账号的密码请在目录服务中修改 / {user.username} signs in through the directory: "
            "change the password there, not in yekuo"
        )


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown users' passwords against, so they take as long as known ones."""
    return hash_password(secrets.token_urlsafe(16))


def _audit(
    session: Session,
    user: User,
    *,
    actor: Actor,
    action: str,
    before: dict[str, object] | None = None,
) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        entity_type="user",
        entity_id=user.username,
        before=before,
        after=user_public(user).model_dump(mode="json"),
    )
