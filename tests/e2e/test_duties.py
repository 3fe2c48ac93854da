"""Stage duties, 考核 and reminders through the API, the pages and the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from archive import (
    SYSTEM,
    XLSX_MEDIA_TYPE,
    Role,
    add_working_days,
    create_user,
    open_database,
    today_in_china,
)
from cli import main
from core import Settings
from tests.e2e.helpers import ApiClient
from tests.e2e.test_accounts import signin_page
from tests.e2e.test_chinese_pages import KNOWN, english_words
from tests.e2e.test_pages import signin

NAMES = KNOWN | {"li.yk"}
"""The names pages may show: the test's user li.yk beside the tokens'."""

PASSWORD = "correct horse battery"


def _stays(client: ApiClient, case_no: str) -> list[dict[str, object]]:
    answer = client.request("GET", f"/cases/{case_no}/stages", Role.auditor)
    assert answer.status_code == 200, answer.text
    stays: list[dict[str, object]] = answer.json()["stays"]
    return stays


def test_a_stage_goes_to_its_post_holder_is_reminded_changed_and_counted(
    quiet_client: ApiClient, cli_settings: Settings, tmp_path: Path
) -> None:
    client = quiet_client
    with open_database(cli_settings) as database, database.transaction() as session:
        create_user(
            session,
            username="li.yk",
            password=PASSWORD,
            role=Role.reviewer,
            display_name="李业扩",
            actor=SYSTEM,
        )
    assert client.create_case("YK-DU1").status_code == 201
    first = _stays(client, "YK-DU1")[0]
    assert (first["stage"], first["post"], first["username"]) == ("application", "clerk", None)

    assigned = CliRunner().invoke(main, ["duty", "assign", "TOP", "clerk", "li.yk"])
    assert assigned.exit_code == 0, assigned.output
    assert _stays(client, "YK-DU1")[0]["username"] == "li.yk"
    listed = CliRunner().invoke(main, ["duty", "list"])
    assert "TOP\tclerk\t业扩员\tli.yk\t李业扩" in listed.output

    duty = "/cases/YK-DU1/duty"
    assert client.request("PUT", duty, Role.archivist, json={}).status_code == 403
    unknown = client.request("PUT", duty, Role.reviewer, json={"username": "nobody"})
    assert unknown.status_code == 422, unknown.text
    moved = client.request("PUT", duty, Role.reviewer, json={"post": "account_manager"})
    assert moved.json()["stays"][0]["username"] is None  # nobody holds it
    back = client.request("PUT", duty, Role.reviewer, json={"post": "clerk"})
    assert back.json()["stays"][0]["username"] == "li.yk"

    # Due within two working days: on li.yk's start page.
    assert signin_page(client, "li.yk", PASSWORD).status_code == 303
    home = client.http.get("/")
    mine = home.text.split('id="my-duties"', 1)[1].split("</section>", 1)[0]
    assert "YK-DU1" in mine
    assert english_words(home.text, known=NAMES) == []
    case_page = client.http.get("/cases/YK-DU1")
    assert "环节记录与责任人" in case_page.text
    assert "李业扩" in case_page.text
    stays_table = case_page.text.split('class="list stays"', 1)[1].split("</table>", 1)[0]
    assert f"<td>{cli_settings.top_unit_name}</td>" in stays_table  # the unit's name, not TOP
    assert english_words(case_page.text, known=NAMES) == []
    client.http.cookies.clear()

    advanced = client.request(
        "POST",
        "/cases/YK-DU1/advance",
        Role.reviewer,
        json={"to": "connection", "override_reason": "资料原件已核对"},
    )
    assert advanced.status_code == 200, advanced.text
    report = client.request("GET", "/reports/timeliness", Role.auditor).json()
    assert (report["on_time"], report["late"]) == (1, 0)
    assert [(p["username"], p["on_time"]) for p in report["people"]] == [("li.yk", 1)]
    assert client.request("GET", "/reports/timeliness", Role.archivist).status_code == 403
    bad = client.request("GET", "/reports/timeliness?month=2025-1", Role.auditor)
    assert bad.status_code == 422
    xlsx = client.request("GET", "/reports/timeliness/xlsx", Role.reviewer)
    assert xlsx.headers["content-type"] == XLSX_MEDIA_TYPE
    people = openpyxl.load_workbook(io.BytesIO(xlsx.content))["人员"]
    assert next(people.iter_rows(min_row=2, values_only=True))[:2] == ("李业扩", "li.yk")

    signin(client, Role.auditor)
    page = client.http.get(f"/reports/timeliness?month={report['month']}")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "李业扩" in page.text
    assert english_words(page.text, known=NAMES) == []
    overrides = client.http.get("/cases/YK-DU1").text.split('id="overrides-h"', 1)[1]
    overrides = overrides.split("</section>", 1)[0]
    assert "访问令牌 reviewer-user ·" in overrides  # a token, said to be one
    missing = "当时缺少 用电申请表、用电人有效身份证明（身份证或户口簿）、用电地址权属证明"
    assert missing in overrides  # the rules by their labels, not their ids
    assert english_words(overrides, known=frozenset({"reviewer-user"})) == []

    out = tmp_path / "timeliness.xlsx"
    command = ["report", "timeliness", "--format", "xlsx", "--out", str(out)]
    written = CliRunner().invoke(main, command)
    assert written.exit_code == 0, written.output
    assert openpyxl.load_workbook(out).sheetnames == ["人员", "单位", "超时环节", "月度趋势"]
    as_json = CliRunner().invoke(main, ["report", "timeliness", "--month", report["month"]])
    assert json.loads(as_json.output)["on_time"] == 1


def _my_duties(client: ApiClient, username: str) -> str:
    """The 我负责的即将到期环节 panel of ``username``'s start page."""
    client.http.cookies.clear()
    assert signin_page(client, username, PASSWORD).status_code == 303
    home = client.http.get("/")
    return home.text.split('id="my-duties"', 1)[1].split("</section>", 1)[0]


def test_the_start_page_leaves_out_stages_due_later_and_other_peoples(
    quiet_client: ApiClient, cli_settings: Settings
) -> None:
    client = quiet_client
    assert cli_settings.reminder_days == 2
    with open_database(cli_settings) as database, database.transaction() as session:
        for username, name in (("li.yk", "李业扩"), ("wang.km", "王客户")):
            create_user(
                session,
                username=username,
                password=PASSWORD,
                role=Role.reviewer,
                display_name=name,
                actor=SYSTEM,
            )
    assert CliRunner().invoke(main, ["duty", "assign", "TOP", "clerk", "li.yk"]).exit_code == 0
    for case_no in ("YK-RM1", "YK-RM2", "YK-RM3"):
        assert client.create_case(case_no).status_code == 201
    advanced = client.request(
        "POST",
        "/cases/YK-RM2/advance",
        Role.reviewer,
        json={"to": "connection", "override_reason": "资料原件已核对"},
    )
    assert advanced.status_code == 200, advanced.text
    for case_no, username in (("YK-RM2", "li.yk"), ("YK-RM3", "wang.km")):
        duty = {"username": username}
        changed = client.request("PUT", f"/cases/{case_no}/duty", Role.reviewer, json=duty)
        assert changed.status_code == 200, changed.text
    horizon = add_working_days(today_in_china(), cli_settings.reminder_days)
    due = {case_no: _stays(client, case_no)[-1]["due_on"] for case_no in ("YK-RM1", "YK-RM2")}
    assert due == {
        "YK-RM1": horizon.isoformat(),  # 业务受理: 2 working days, the last day still shown
        "YK-RM2": add_working_days(horizon, 1).isoformat(),  # 装表接电: 3 working days
    }

    mine = _my_duties(client, "li.yk")
    assert "（1）" in mine
    assert "YK-RM1" in mine
    assert "YK-RM2" not in mine  # li.yk's, but due in 3 working days
    assert "YK-RM3" not in mine  # due soon, but wang.km's
    assert "YK-RM3" in _my_duties(client, "wang.km")
