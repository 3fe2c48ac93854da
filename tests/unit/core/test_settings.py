"""Settings: defaults on embedded backends, and refusals that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from core import Settings


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
