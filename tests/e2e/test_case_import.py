"""``yekuo cases import``: 1,000 records with bad rows, all or nothing, updates, history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive import AuditEvent, Case, Finding, case_stages, open_database, record_history
from cli import main
from core import Settings
from synthetic import case_record_export, case_records_csv, case_records_xlsx


@pytest.fixture(autouse=True)
def _database(cli_settings: Settings) -> None:
    with open_database(cli_settings) as database:
        database.upgrade()


def run_import(path: Path, *options: str) -> tuple[int, dict[str, Any]]:
    """``yekuo cases import PATH --json OPTIONS``: the exit status and the report."""
    result = CliRunner().invoke(main, ["cases", "import", str(path), "--json", *options])
    assert result.exit_code in (0, 4), result.output
    return result.exit_code, json.loads(result.stdout)


def case_count(settings: Settings) -> int:
    """How many cases the database holds."""
    with open_database(settings) as database, database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0


def test_a_thousand_records_with_bad_rows_import_all_or_nothing(
    cli_settings: Settings, tmp_path: Path
) -> None:
    export = case_record_export(1000, seed=7, bad_every=50)
    path = tmp_path / "营销导出.csv"
    path.write_bytes(case_records_csv(export.rows))

    status, report = run_import(path)
    assert status == 4
    assert (report["rows"], report["refused"], report["written"]) == (1000, 20, False)
    assert report["created"] == 980  # what would have been done
    assert [p["row"] for p in report["problems"]] == export.bad_rows
    assert report["problems"][0] == {
        "row": 51,
        "case_no": "YK-00050",
        "reason": "「户名」为空",
    }
    assert case_count(cli_settings) == 0

    status, report = run_import(path, "--skip-bad")
    assert (status, report["created"], report["refused"], report["written"]) == (4, 980, 20, True)
    assert case_count(cli_settings) == 980


def test_an_xlsx_re_import_updates_what_changed_and_keeps_it_as_history(
    cli_settings: Settings, tmp_path: Path
) -> None:
    rows = case_record_export(5, seed=3).rows
    path = tmp_path / "导出.xlsx"
    path.write_bytes(case_records_xlsx(rows))
    assert run_import(path)[1]["created"] == 5
    old_name, rows[1]["户名"] = rows[1]["户名"], "改过的名字"
    rows[2]["当前环节"] = "现场勘查"
    path.write_bytes(case_records_xlsx(rows))
    status, report = run_import(path, "--dry-run")
    assert (status, report["updated"], report["unchanged"], report["written"]) == (0, 1, 4, False)
    status, report = run_import(path)
    assert (status, report["updated"], report["unchanged"], report["written"]) == (0, 1, 4, True)
    assert [(n["row"], n["case_no"]) for n in report["notes"]] == [(4, "YK-00003")]
    assert "环节在本系统中推进" in report["notes"][0]["reason"]
    with open_database(cli_settings) as database, database.transaction() as session:
        case = session.scalar(select(Case).where(Case.case_no == "YK-00002"))
        assert case is not None
        assert case.customer.name == "改过的名字"
        (change,) = record_history(session, case)
    assert (change.field, change.old, change.new, change.source) == (
        "customer.name",
        old_name,
        "改过的名字",
        "import:导出.xlsx",
    )


def test_a_new_case_at_a_later_stage_has_its_one_stay_in_that_stage(
    cli_settings: Settings, tmp_path: Path
) -> None:
    rows = case_record_export(2, seed=5).rows
    rows[1]["当前环节"] = "装表接电"
    path = tmp_path / "导出.csv"
    path.write_bytes(case_records_csv(rows))
    assert run_import(path)[1]["created"] == 2
    with open_database(cli_settings) as database, database.transaction() as session:
        stays = {
            case.case_no: [
                (stay.stage.value, stay.post, stay.due_on is not None, stay.left_at)
                for stay in case_stages(session, case).stays
            ]
            for case in session.scalars(select(Case))
        }
        created = {
            event.entity_id: (event.after or {}).get("stage")
            for event in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "case.create")
            )
        }
    assert stays == {
        "YK-00001": [("application", "clerk", True, None)],
        "YK-00002": [("connection", "metering", True, None)],
    }
    assert created == {"YK-00001": "application", "YK-00002": "connection"}  # as audited


def test_a_row_whose_id_check_character_fails_is_taken_with_a_finding(
    cli_settings: Settings, tmp_path: Path
) -> None:
    rows = case_record_export(1, seed=5).rows
    assert rows[0]["证件号码"] == "510107195408089321"
    rows[0]["证件号码"] = "510107195408089320"
    path = tmp_path / "导出.csv"
    path.write_bytes(case_records_csv(rows))
    status, report = run_import(path)
    assert (status, report["created"], report["refused"]) == (0, 1, 0)
    with open_database(cli_settings) as database, database.transaction() as session:
        findings = session.scalars(select(Finding).join(Case).where(Case.case_no == "YK-00001"))
        assert [(f.code, f.field, f.found) for f in findings] == [
            ("id_number_invalid_checksum", "customer.id_number", "510107195408089320")
        ]
