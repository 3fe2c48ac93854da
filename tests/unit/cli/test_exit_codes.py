"""Each class of failure of `yekuo` exits with its own status and says what in a line or two."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Database, LocalObjectStore
from core import Settings
from tests.intake_jobs import upload_scan

YEKUO = str(Path(sys.executable).with_name("yekuo"))


def _yekuo(settings: Settings, *args: str, **env: str) -> tuple[int, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    base |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
        "YEKUO_INTAKE_IN_PROCESS": "false",
    }
    done = subprocess.run(
        [YEKUO, *args],
        env=base | env,
        cwd=settings.data_dir.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _short(output: str) -> bool:
    return len(output.strip().splitlines()) <= 3 and "Traceback" not in output


def test_a_bad_setting_is_a_usage_failure_naming_the_variable(settings: Settings) -> None:
    status, output = _yekuo(settings, "db", "upgrade", YEKUO_MAX_UPLOAD_BYTES="-5")
    assert status == 2, output
    assert _short(output), output
    assert "YEKUO_MAX_UPLOAD_BYTES='-5'" in output


def test_s3_without_credentials_names_what_is_missing(settings: Settings) -> None:
    status, output = _yekuo(settings, "verify", YEKUO_OBJECT_STORE="s3")
    assert status == 2, output
    assert _short(output), output
    assert "YEKUO_S3_ENDPOINT" in output
    assert "YEKUO_S3_SECRET_KEY" in output


def test_a_missing_case_is_not_found(settings: Settings) -> None:
    assert _yekuo(settings, "db", "upgrade")[0] == 0
    status, output = _yekuo(settings, "check", "YK-NO-SUCH")
    assert status == 3, output
    assert _short(output), output
    assert "YK-NO-SUCH" in output


def test_retrying_a_document_that_has_not_failed_is_a_conflict(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 5)
    status, output = _yekuo(settings, "retry", document_id)
    assert status == 4, output
    assert _short(output), output
    assert document_id in output


def test_an_unreachable_database_is_unavailable_without_its_password(settings: Settings) -> None:
    url = "postgresql+psycopg://yekuo:s3cret-pw@127.0.0.1:1/yekuo"
    status, output = _yekuo(settings, "db", "upgrade", YEKUO_DATABASE_URL=url)
    assert status == 5, output
    assert _short(output), output
    assert "127.0.0.1:1" in output
    assert "s3cret-pw" not in output


@pytest.mark.parametrize("command", [("token", "create", "--role", "admin", "--name", "x")])
def test_the_token_command_reports_an_unreachable_database_too(
    settings: Settings, command: tuple[str, ...]
) -> None:
    url = "postgresql+psycopg://yekuo:pw@127.0.0.1:1/yekuo"
    status, output = _yekuo(settings, *command, YEKUO_DATABASE_URL=url)
    assert (status, _short(output)) == (5, True), output


def test_a_damaged_original_is_an_integrity_failure(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    upload_scan(settings, database, store, 6)
    victim = next(p for p in store.root.glob("??/??/*") if p.suffix == "")
    victim.write_bytes(b"bit rot")
    status, output = _yekuo(settings, "verify")
    assert status == 6, output
    assert "DAMAGED document" in output
    assert "Traceback" not in output


def test_serve_that_cannot_reach_its_database_says_so_in_a_line(settings: Settings) -> None:
    url = "postgresql+psycopg://yekuo:pw@127.0.0.1:1/yekuo"
    status, output = _yekuo(settings, "serve", "--port", "0", YEKUO_DATABASE_URL=url)
    assert (status, _short(output)) == (5, True), output
