"""The `yekuo` command line, run as the installed console script."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from fastapi.testclient import TestClient

from api import create_app
from core import Settings
from tests.e2e.helpers import API, case_body, png_bytes, run_yekuo


def test_db_upgrade_then_a_created_token_works_for_its_role(settings: Settings) -> None:
    upgraded = run_yekuo(settings, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" in upgraded.stdout
    created = run_yekuo(settings, "token", "create", "--role", "archivist", "--name", "张三")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("yk_")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings.model_copy(update={"intake_in_process": False}))) as http:
        assert http.post(f"{API}/cases", json=case_body("YK-C"), headers=headers).status_code == 201
        assert http.get(f"{API}/audit", headers=headers).status_code == 403


def test_a_bad_role_is_refused_with_the_choices(settings: Settings) -> None:
    result = run_yekuo(settings, "token", "create", "--role", "boss", "--name", "x")
    assert result.returncode == 2
    assert "archivist" in result.stderr


def test_import_then_verify_finds_a_damaged_original(settings: Settings, tmp_path: Path) -> None:
    token = run_yekuo(settings, "token", "create", "--role", "admin", "--name", "a").stdout.strip()
    with TestClient(create_app(settings.model_copy(update={"intake_in_process": False}))) as http:
        headers = {"Authorization": f"Bearer {token}"}
        assert http.post(f"{API}/cases", json=case_body("YK-V"), headers=headers).status_code == 201
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "one.png").write_bytes(png_bytes(1))
    (scans / "two.png").write_bytes(png_bytes(2))
    (scans / "bad.jpg").write_bytes(b"not an image at all")
    report = tmp_path / "report.csv"
    imported = run_yekuo(
        settings, "import", str(scans), "--case-no", "YK-V", "--report", str(report)
    )
    assert imported.returncode == 4  # some files were refused
    assert "3 files: 2 stored, 0 duplicate, 1 refused" in imported.stdout
    rows = list(csv.DictReader(report.read_text(encoding="utf-8").splitlines()))
    assert [(Path(r["file"]).name, r["outcome"]) for r in rows] == [
        ("bad.jpg", "refused"),
        ("one.png", "stored"),
        ("two.png", "stored"),
    ]
    assert "accepted are PDF, JPEG, PNG or TIFF" in rows[0]["message"]

    resumed = run_yekuo(
        settings, "import", str(scans), "--case-no", "YK-V", "--resume", str(report)
    )
    assert "2 files already imported are skipped" in resumed.stderr
    assert "1 files: 0 stored, 0 duplicate, 1 refused" in resumed.stdout
    assert len(report.read_text(encoding="utf-8").splitlines()) == 1 + 4

    intact = run_yekuo(settings, "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "all originals intact" in intact.stdout

    damaged = next(
        p
        for p in settings.resolved_object_store_dir.rglob("*")
        if p.is_file() and re.fullmatch(r"[0-9a-f]{64}", p.name)
    )
    damaged.chmod(0o644)
    damaged.write_bytes(b"bit rot")
    result = run_yekuo(settings, "verify")
    assert result.returncode == 6
    assert "DAMAGED" in result.stdout
    assert "1 damaged originals" in result.stderr
