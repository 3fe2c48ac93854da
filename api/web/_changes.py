"""An audit event's before and after as a table a person reads: Chinese names for the keys,
Chinese labels for the codes, local times, 是/否, and nested records one row per field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from api.web.render import MEDIA_TYPES_ZH, field_zh, local_time
from archive import FIELD_LABELS_ZH, FINDING_CODES_ZH, LABELS_ZH, RECORD_LABELS_ZH

VALUES_ZH = {
    "intact": "原件完好",
    "citizen_id_numbers": "完整身份证号码",
    "system": "系统",
    "open": "待处理",
    "dismissed": "已排除",
    "resolved": "已解决",
    "api": "营销系统推送",
    "web": "页面修改",
    "import": "导入文件",
}
"""Words the trail records as values, beside the domain codes of LABELS_ZH."""

COUNTED_KEYS = {"added": "新增的问题", "removed": "消除的问题"}
"""Lists of internal finding keys (a re-run check's difference) the page shows as counts."""

HIDDEN_KEYS = frozenset({"error", "document_id"})
"""What the page leaves to the API: developer text (an intake error in English; the Chinese
reason is its error_code) and a document's internal id (the event's object names it)."""


@dataclass(frozen=True)
class ChangeRow:
    """One field of an event: its name, what it was and what it became ("" when absent)."""

    label: str
    before: str
    after: str


def change_rows(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[ChangeRow]:
    """The rows of an event's change, in the order the record lists its keys."""
    old, new = _flatten(before or {}), _flatten(after or {})
    keys = [*old, *(key for key in new if key not in old)]
    rows = []
    for key in keys:
        if key.rsplit(".", 1)[-1] in HIDDEN_KEYS:
            continue
        was, now = old.get(key, ""), new.get(key, "")
        if before is not None and after is not None and was == now:
            continue  # a change shows what changed
        rows.append(ChangeRow(label=_label(key), before=was, after=now))
    return rows


def _flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if key in COUNTED_KEYS and isinstance(value, list):
            flat[name] = f"{len(value)} 个"
        elif isinstance(value, dict) and value:
            flat.update(_flatten(value, prefix=f"{name}."))
        else:
            flat[name] = value_zh(value)
    return flat


def _label(key: str) -> str:
    parts = key.split(".")
    if parts[-1] in COUNTED_KEYS:
        return COUNTED_KEYS[parts[-1]]
    names = [
        RECORD_LABELS_ZH.get(part) or FIELD_LABELS_ZH.get(part) or field_zh(part) for part in parts
    ]
    return " · ".join(names)


def value_zh(value: object) -> str:
    """One recorded value as the page shows it."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "、".join(value_zh(item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{_label(k)}：{value_zh(v)}" for k, v in value.items())
    text = str(value)
    when = _timestamp(text)
    if when is not None:
        return local_time(when)
    return (
        VALUES_ZH.get(text)
        or MEDIA_TYPES_ZH.get(text)
        or LABELS_ZH.get(text)
        or FINDING_CODES_ZH.get(text)
        or text
    )


def _timestamp(text: str) -> dt.datetime | None:
    if len(text) < 19 or text[10] != "T":
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None
