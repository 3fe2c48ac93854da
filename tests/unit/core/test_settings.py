"""Settings: defaults on embedded backends, and refusals that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from archive import Role
from core import MAX_LOAN_DAYS, Settings
from core._settings import ROLE_NAMES


def test_defaults_are_embedded(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, _env_file=None)
    assert settings.object_store == "local"
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'yekuo.db').resolve()}"
    assert settings.resolved_object_store_dir == tmp_path / "objects"


def test_environment_is_read_with_the_prefix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("YEKUO_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("YEKUO_MAX_UPLOAD_BYTES", "1234")
    settings = Settings(_env_file=None)
    assert settings.data_dir == tmp_path
    assert settings.max_upload_bytes == 1234


def test_s3_without_credentials_names_what_is_missing() -> None:
    with pytest.raises(ValidationError, match=r"YEKUO_S3_ENDPOINT.*YEKUO_S3_SECRET_KEY"):
        Settings(object_store="s3", _env_file=None)


def test_absurd_upload_limit_is_refused() -> None:
    with pytest.raises(ValidationError, match="YEKUO_MAX_UPLOAD_BYTES"):
        Settings(max_upload_bytes=10 * 1024**4, _env_file=None)


@pytest.mark.parametrize("days", [0, MAX_LOAN_DAYS + 1, 365])
def test_a_default_loan_longer_than_a_keeper_may_give_is_refused(days: int) -> None:
    assert Settings(loan_days=MAX_LOAN_DAYS, _env_file=None).loan_days == MAX_LOAN_DAYS
    with pytest.raises(ValidationError, match=f"YEKUO_LOAN_DAYS={days} is refused: a loan lasts"):
        Settings(loan_days=days, _env_file=None)


def test_view_pii_roles_are_read_as_a_list_and_unknown_roles_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings(_env_file=None).pii_role_set == {"reviewer", "admin"}
    monkeypatch.setenv("YEKUO_PII_ROLES", " auditor , admin ")
    assert Settings(_env_file=None).pii_role_set == {"auditor", "admin"}
    with pytest.raises(ValidationError, match=r"YEKUO_PII_ROLES names clerk.*archivist"):
        Settings(pii_roles="admin,clerk", _env_file=None)


def test_the_role_names_settings_accept_are_the_archives_roles() -> None:
    assert {role.value for role in Role} == ROLE_NAMES


HOOK = "https://hooks.example.cn/yekuo"


def test_a_webhook_needs_an_http_url_and_a_long_secret() -> None:
    with pytest.raises(ValidationError, match="YEKUO_WEBHOOK_URL='ftp://x' is not an http"):
        Settings(webhook_url="ftp://x", webhook_secret="s" * 20, _env_file=None)
    with pytest.raises(ValidationError, match="YEKUO_WEBHOOK_SECRET is empty or shorter"):
        Settings(
            webhook_url="https://hooks.example.cn/yekuo", webhook_secret="short", _env_file=None
        )
    ok = Settings(
        webhook_url="https://hooks.example.cn/yekuo", webhook_secret="s" * 16, _env_file=None
    )
    assert ok.reminder_days == 2
