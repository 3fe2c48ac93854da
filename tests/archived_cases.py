"""Cases archived by the real services (upload, intake, advance, archive), for the tests of the
stored archive and its scheduled check."""

from __future__ import annotations

import dataclasses
import datetime as dt

from archive import (
    SYSTEM,
    ArchiveNumberPattern,
    ArchivingContext,
    Database,
    LocalObjectStore,
    Stage,
    advance_case,
    archive_case,
    claim_next,
    finish_job,
    get_case,
    load_rule_book,
    rule_set_for,
)
from core import Settings
from tests.e2e.helpers import png_bytes
from tests.intake_jobs import intake_outcome, upload_file

REASON = "装表接电工单纸质原件已归档，电子件后补"
PAGE = {"number": 1, "width": 64, "height": 48, "rotation": 0, "source": "test", "lines": []}


def archived_case(
    settings: Settings,
    database: Database,
    store: LocalObjectStore,
    *,
    case_no: str,
    content: bytes | None = None,
    filename: str = "scan.png",
) -> str:
    """A new case ``case_no`` with one ID card (``content``, default a PNG), read by intake,
    advanced to 装表接电 and archived, both by override; its 档号."""
    content = content or png_bytes(sum(map(ord, case_no)))
    upload_file(settings, database, store, content, case_no=case_no, filename=filename)
    outcome = dataclasses.replace(intake_outcome(), ocr_pages=[PAGE])
    with database.transaction() as session:
        claim = claim_next(session, worker="test", lease=dt.timedelta(minutes=5))
        assert claim is not None
        finish_job(session, claim, worker="test", outcome=outcome)
    book = load_rule_book(settings.rules_file)
    with database.transaction() as session:
        case = get_case(session, case_no=case_no, actor=SYSTEM)
        rule_set = rule_set_for(book, case)
        advance_case(
            session,
            case,
            to=Stage.connection,
            override_reason=REASON,
            rule_set=rule_set,
            actor=SYSTEM,
            book=book,
        )
        context = ArchivingContext(
            book=book,
            rule_set=rule_set,
            store=store,
            pattern=ArchiveNumberPattern.from_settings(settings),
            max_pixels=settings.intake_max_page_pixels,
        )
        result = archive_case(session, case, override_reason=REASON, context=context, actor=SYSTEM)
        return result.archive_no
