"""Accounts: password hashes, the policy, lock-out, the forced change after a reset."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import (
    LOCK_OUT,
    MAX_FAILED_ATTEMPTS,
    SYSTEM,
    AuditEvent,
    ConflictError,
    Database,
    PasswordChangeRequiredError,
    Role,
    UnauthenticatedError,
    Unit,
    ValidationError,
    change_password,
    check_password_policy,
    create_unit,
    create_user,
    find_user,
    hash_password,
    password_matches,
    reset_password,
    set_active,
    sign_in,
    user_actor,
)
from archive.db._models import utcnow

PASSWORD = "correct horse battery"


def _user(session: Session, username: str = "wang.xm") -> None:
    if session.get(Unit, "GDS01") is None:
        create_unit(session, code="GDS01", name="城关供电所", actor=SYSTEM)
    create_user(
        session,
        username=username,
        password=PASSWORD,
        role=Role.archivist,
        display_name="王小明",
        unit="GDS01",
        actor=SYSTEM,
    )


def _actions(session: Session) -> list[str]:
    """What was done to users, in order (the unit they are given is created first)."""
    users = select(AuditEvent.action).where(AuditEvent.entity_type == "user")
    return list(session.scalars(users.order_by(AuditEvent.id)))


def test_a_hash_is_argon2id_salted_and_checks_only_its_password() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("$argon2id$")
    assert first != second
    assert password_matches(first, PASSWORD)
    assert not password_matches(first, PASSWORD + "!")
    assert not password_matches("not a hash", PASSWORD)


@pytest.mark.parametrize("password", ["short1234", "my-wang.xm-password", "WANG.XM-and-more"])
def test_the_policy_refuses_short_passwords_and_ones_holding_the_user_name(password: str) -> None:
    with pytest.raises(ValidationError, match=r"至少 10 个字符.*at least 10 characters"):
        check_password_policy("wang.xm", password)


def test_the_policy_accepts_ten_characters_without_the_user_name() -> None:
    check_password_policy("wang.xm", "0123456789")


def test_a_created_user_signs_in_at_once_and_is_named_with_their_display_name(
    database: Database,
) -> None:
    with database.transaction() as session:
        _user(session)
    with database.transaction() as session:
        user = sign_in(session, username="wang.xm", password=PASSWORD)
        assert user_actor(user).name == "wang.xm（王小明）"
        assert (user.role, user.unit, user.must_change_password) == ("archivist", "GDS01", False)
        assert _actions(session) == ["user.create"]


def test_a_taken_or_malformed_user_name_is_refused(database: Database) -> None:
    with database.transaction() as session:
        _user(session)
    with database.transaction() as session, pytest.raises(ConflictError, match="already exists"):
        _user(session)
    with database.transaction() as session, pytest.raises(ValidationError, match="user name"):
        _user(session, username="王 小明")


def test_a_wrong_password_or_an_unknown_user_is_one_message(database: Database) -> None:
    with database.transaction() as session:
        _user(session)
    for username, password in (("wang.xm", "wrong password"), ("nobody", PASSWORD)):
        with database.transaction() as session, pytest.raises(UnauthenticatedError) as error:
            sign_in(session, username=username, password=password)
        assert error.value.message == "用户名或密码错误 / wrong user name or password"


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(database: Database) -> None:
    with database.transaction() as session:
        _user(session)
    now = utcnow()
    for _ in range(MAX_FAILED_ATTEMPTS):
        with database.transaction() as session, pytest.raises(UnauthenticatedError):
            sign_in(session, username="wang.xm", password="wrong password", now=now)
    with database.transaction() as session:
        user = find_user(session, "wang.xm")
        assert user is not None
        assert user.locked_until == now + LOCK_OUT
        assert _actions(session)[-1] == "user.locked"
    with database.transaction() as session, pytest.raises(UnauthenticatedError, match="locked"):
        sign_in(session, username="wang.xm", password=PASSWORD, now=now + dt.timedelta(minutes=14))
    with database.transaction() as session:
        sign_in(session, username="wang.xm", password=PASSWORD, now=now + LOCK_OUT)


def test_four_wrong_passwords_then_a_right_one_start_the_count_again(database: Database) -> None:
    with database.transaction() as session:
        _user(session)
    for password in ["wrong password"] * 4 + [PASSWORD] + ["wrong password"] * 4:
        with database.transaction() as session, contextlib.suppress(UnauthenticatedError):
            sign_in(session, username="wang.xm", password=password)
    with database.transaction() as session:
        user = sign_in(session, username="wang.xm", password=PASSWORD)
        assert user.locked_until is None


def test_a_reset_forces_a_change_before_the_next_sign_in(database: Database) -> None:
    with database.transaction() as session:
        _user(session)
        temporary = reset_password(session, username="wang.xm", actor=SYSTEM)
    with database.transaction() as session, pytest.raises(PasswordChangeRequiredError):
        sign_in(session, username="wang.xm", password=temporary)
    with database.transaction() as session, pytest.raises(UnauthenticatedError):
        sign_in(session, username="wang.xm", password=PASSWORD)
    with database.transaction() as session, pytest.raises(ValidationError):
        change_password(session, username="wang.xm", password=temporary, new_password="short")
    with database.transaction() as session:
        change_password(
            session, username="wang.xm", password=temporary, new_password="a new passphrase"
        )
    with database.transaction() as session:
        sign_in(session, username="wang.xm", password="a new passphrase")
        assert _actions(session)[-2:] == ["user.password_reset", "user.password_changed"]


def test_a_disabled_user_cannot_sign_in_until_enabled(database: Database) -> None:
    with database.transaction() as session:
        _user(session)
        set_active(session, username="wang.xm", active=False, actor=SYSTEM)
    with database.transaction() as session, pytest.raises(UnauthenticatedError, match="disabled"):
        sign_in(session, username="wang.xm", password=PASSWORD)
    with database.transaction() as session:
        set_active(session, username="wang.xm", active=True, actor=SYSTEM)
    with database.transaction() as session:
        sign_in(session, username="wang.xm", password=PASSWORD)
