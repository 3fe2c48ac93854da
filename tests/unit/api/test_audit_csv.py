"""The CSV export of audit events: what Excel needs to read it, and nothing it would run."""

from __future__ import annotations

import csv
import datetime as dt
import io

from api.web._changes import change_rows
from api.web._events import events_csv
from archive import AuditEvent


def _row(actor: str) -> dict[str, object]:
    event = AuditEvent(
        id=7,
        at=dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC),
        actor=actor,
        actor_role="reviewer",
        action="document.field_corrected",
        entity_type="document",
        entity_id="abc",
        case_no="YK-1",
        before={"value": "王晓明"},
        after={"value": "王小明", "reason": "原件"},
    )
    changes = change_rows(event.before, event.after)
    return {
        "event": event,
        "actor": actor,
        "action_label": "更正字段",
        "object": "资料 a.png",
        "changes": changes,
    }


def test_the_csv_opens_in_excel_and_runs_no_formula() -> None:
    data = events_csv([_row("=2+3"), _row("wang.xm（王小明）")])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][2] == "'=2+3"
    assert rows[2][2:5] == ["wang.xm（王小明）", "审核员", "更正字段"]
    assert rows[2][6] == "YK-1"
    assert rows[2][7] == "值：王晓明 → 王小明；理由： → 原件"
