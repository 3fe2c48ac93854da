"""The read-only rule of an archived case, in one place: every service that changes a case or
its documents calls ``ensure_open`` first."""

from __future__ import annotations

from archive._errors import CaseArchivedError
from archive.db._models import Case


def ensure_open(case: Case) -> None:
    """Raise CaseArchivedError when ``case`` is archived (a keeper must re-open it first)."""
    if case.archived_at is not None:
        raise CaseArchivedError(
            f"case {case.case_no} is archived as {case.archive_no}: it is read-only; a keeper "
            f"re-opens it (POST /api/v1/cases/{case.case_no}/reopen with a reason) before any "
            "correction",
            message_zh=f"案件 {case.case_no} 已归档（档号 {case.archive_no}），只能查阅：如需更正，"
            "请档案管理员先填写理由重新打开案件",
        )
