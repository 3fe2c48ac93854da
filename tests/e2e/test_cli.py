"""The `yekuo` command line, run as the installed console script."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api import create_app
from core import Settings
from tests.e2e.helpers import API, case_body, png_bytes

YEKUO = str(Path(sys.executable).with_name("yekuo"))


def _yekuo(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    env |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
        "YEKUO_INTAKE_IN_PROCESS": "false",
    }
    return subprocess.run(
        [YEKUO, *args],
        env=env,
        cwd=settings.data_dir.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_db_upgrade_then_a_created_token_works_for_its_role(settings: Settings) -> None:
    upgraded = _yekuo(settings, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" in upgraded.stdout
    created = _yekuo(settings, "token", "create", "--role", "archivist", "--name", "张三")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("yk_")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings.model_copy(update={"intake_in_process": False}))) as http:
        assert http.post(f"{API}/cases", json=case_body("YK-C"), headers=headers).status_code == 201
        assert http.get(f"{API}/audit", headers=headers).status_code == 403


def test_a_bad_role_is_refused_with_the_choices(settings: Settings) -> None:
    result = _yekuo(settings, "token", "create", "--role", "boss", "--name", "x")
    assert result.returncode == 2
    assert "archivist" in result.stderr


def test_import_then_verify_finds_a_damaged_original(settings: Settings, tmp_path: Path) -> None:
    token = _yekuo(settings, "token", "create", "--role", "admin", "--name", "a").stdout.strip()
    with TestClient(create_app(settings.model_copy(update={"intake_in_process": False}))) as http:
        headers = {"Authorization": f"Bearer {token}"}
        assert http.post(f"{API}/cases", json=case_body("YK-V"), headers=headers).status_code == 201
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "one.png").write_bytes(png_bytes(1))
    (scans / "two.png").write_bytes(png_bytes(2))
    (scans / "bad.jpg").write_bytes(b"not an image at all")
    report = tmp_path / "report.csv"
    imported = _yekuo(settings, "import", str(scans), "--case-no", "YK-V", "--report", str(report))
    assert imported.returncode == 4  # some files were refused
    assert "3 files: 2 stored, 0 duplicate, 1 refused" in imported.stdout
    rows = list(csv.DictReader(report.read_text(encoding="utf-8").splitlines()))
    assert [(Path(r["file"]).name, r["outcome"]) for r in rows] == [
        ("bad.jpg", "refused"),
        ("one.png", "stored"),
        ("two.png", "stored"),
    ]
    assert "accepted are PDF, JPEG, PNG or TIFF" in rows[0]["message"]

    resumed = _yekuo(settings, "import", str(scans), "--case-no", "YK-V", "--resume", str(report))
    assert "2 files already imported are skipped" in resumed.stderr
    assert "1 files: 0 stored, 0 duplicate, 1 refused" in resumed.stdout
    assert len(report.read_text(encoding="utf-8").splitlines()) == 1 + 4

    intact = _yekuo(settings, "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "all originals intact" in intact.stdout

    damaged = next(
        p
        for p in settings.resolved_object_store_dir.rglob("*")
        if p.is_file() and re.fullmatch(r"[0-9a-f]{64}", p.name)
    )
    damaged.chmod(0o644)
    damaged.write_bytes(b"bit rot")
    result = _yekuo(settings, "verify")
    assert result.returncode == 6
    assert "DAMAGED" in result.stdout
    assert "1 damaged originals" in result.stderr
