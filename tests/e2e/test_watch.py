"""The watched folder end to end: `yekuo watch --once`, and `yekuo serve` with YEKUO_WATCH_DIR."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from api import create_app
from archive import SYSTEM, AuditEvent, CaseCreate, Database, Document, Role, create_case
from archive._cover_pdf import cover_image
from archive._cover_sheets import CoverPage
from core import Settings
from intake import CoverSheet
from synthetic import render, scanned_pdf_bytes
from tests.e2e.helpers import ApiClient, case_body, png_bytes

YEKUO = str(Path(sys.executable).with_name("yekuo"))
# The code under test, not whichever checkout the environment's editable install points at.
ROOT = Path(__file__).resolve().parents[2]


def _yekuo(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    base |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
        "YEKUO_INTAKE_IN_PROCESS": "false",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [YEKUO, *args],
        env=base | env,
        cwd=settings.data_dir.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _new_case(database: Database, case_no: str) -> None:
    with database.transaction() as session:
        create_case(session, data=CaseCreate.model_validate(case_body(case_no)), actor=SYSTEM)


def _cover_then_card(case_no: str) -> bytes:
    """A scanned stack: the printed cover of an ID card for ``case_no``, then the card."""
    cover = CoverPage(
        sheet=CoverSheet(case_no=case_no, doc_type="id_card"),
        customer_name="王小明",
        doc_type_zh="居民身份证",
        requirement_zh="用电人有效身份证明",
        stage_zh="业务受理",
        alternatives_zh=(),
    )
    card = render("id_card", random.Random(1)).images[0]
    return scanned_pdf_bytes([cover_image(cover).convert("RGB"), card])


def test_watch_once_files_by_name_and_cover_and_fails_the_rest(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    _new_case(database, "YK-W-1")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "YK-W-1-申请表.png").write_bytes(png_bytes(1))
    (inbox / "scan0001.pdf").write_bytes(_cover_then_card("YK-W-1"))
    (inbox / "scan0002.png").write_bytes(png_bytes(2))

    result = _yekuo(settings, "watch", str(inbox), "--once", "--settle", "0.05")
    assert result.returncode == 4, result.stdout + result.stderr  # one file failed
    assert "3 files: 2 stored, 0 duplicate, 1 failed, 0 retry" in result.stderr
    assert "YK-W-1-申请表.png: stored on case YK-W-1 (by name)" in result.stdout
    assert "scan0001.pdf: stored on case YK-W-1 (by cover)" in result.stdout
    assert "scan0002.png: failed (case_not_named)" in result.stdout
    assert sorted(p.name for p in (inbox / "done").iterdir()) == [
        "YK-W-1-申请表.png",
        "scan0001.pdf",
    ]
    reason = (inbox / "failed" / "scan0002.png.reason.txt").read_text(encoding="utf-8")
    assert "错误代码：case_not_named" in reason
    with database.transaction() as session:
        documents = list(session.scalars(select(Document)))
        actors = set(
            session.scalars(select(AuditEvent.actor).where(AuditEvent.action == "document.upload"))
        )
        assert {d.doc_type_hint for d in documents} == {None, "id_card"}
    assert actors == {f"watch:{inbox.resolve()}"}

    again = _yekuo(settings, "watch", str(inbox), "--once", "--settle", "0.05")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 files" in again.stderr


def test_a_watch_folder_that_is_missing_stops_serve_naming_the_variable(
    settings: Settings, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-inbox"
    result = _yekuo(settings, "serve", "--port", "1", YEKUO_WATCH_DIR=str(missing))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"YEKUO_WATCH_DIR='{missing}' is not a directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_files_what_lands_in_its_watch_folder(
    settings: Settings, tokens: dict[Role, str], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watching = settings.model_copy(
        update={"watch_dir": inbox, "watch_settle_seconds": 0.05, "watch_poll_seconds": 0.05}
    )
    with TestClient(create_app(watching)) as http:
        client = ApiClient(http, tokens)
        assert client.create_case("YK-W-2").status_code == 201
        (inbox / "YK-W-2-身份证.png").write_bytes(png_bytes(3))
        deadline = time.monotonic() + 20
        while not (inbox / "done" / "YK-W-2-身份证.png").exists():
            assert time.monotonic() < deadline, "the watched file was not filed"
            time.sleep(0.05)
        case = client.request("GET", "/cases/YK-W-2", Role.reviewer).json()
    assert [d["original_filename"] for d in case["documents"]] == ["YK-W-2-身份证.png"]
