"""一次性告知单: the missing documents by stage, the rows they print as, and the pages."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2

from archive import Stage, load_rule_book, missing_by_stage, rule_set_for
from archive._notice_pdf import missing_notice_pdf, notice_rows
from archive._page_draw import cjk_font, wrap
from archive._schemas import CaseMissing, MissingDocument, StageMissing
from tests.unit.archive.rules.test_rules_cases import make_case, open_session

BOOK = load_rule_book()
TODAY = dt.date(2026, 12, 2)


def test_a_companys_case_lacks_its_documents_stage_by_stage(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="high_voltage", capacity_kva=800)
        missing = missing_by_stage(session, case, rule_set=rule_set_for(BOOK, case))
    assert missing.stages[0].position == "current"
    assert all(s.position == "later" for s in missing.stages[1:])
    assert missing.total == sum(len(s.missing) for s in missing.stages)
    assert {m.stage for s in missing.stages for m in s.missing} >= {
        Stage.application,
        Stage.connection,
    }


def test_rows_name_the_stage_mark_the_current_one_and_originals(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, facts={"applicant_is_agent": True})
        rows = notice_rows(
            missing_by_stage(session, case, rule_set=rule_set_for(BOOK, case)), book=BOOK
        )
    identity = next(r for r in rows if "身份证明" in r.label_zh)
    assert identity.alternatives_zh == "居民身份证、户口簿"
    assert identity.stage_zh == "业务受理（当前）"
    assert identity.count == "1 份"
    contract = next(r for r in rows if r.label_zh.startswith("供用电合同"))
    assert contract.label_zh == "供用电合同（原件）"  # the label says so once, not twice
    assert contract.stage_zh == "装表接电"


def _many(case_no: str, rows: int) -> CaseMissing:
    item = MissingDocument(
        doc_type="site_survey_record",
        rule="site_survey",
        label_zh="现场勘查记录",
        stage=Stage.connection,
        alternatives=["site_survey_record"],
        count=1,
        found=0,
        originals=True,
    )
    return CaseMissing(
        case_no=case_no,
        stage=Stage.application,
        rules_version="test",
        total=rows,
        stages=[
            StageMissing(stage=Stage.application, position="current", missing=[]),
            StageMissing(stage=Stage.connection, position="later", missing=[item] * rows),
        ],
    )


def _page_count(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        return len(document)
    finally:
        document.close()


def test_a_long_notice_continues_on_further_pages(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, case_no="YK-LONG")
        assert (
            _page_count(missing_notice_pdf(case, _many("YK-LONG", 3), book=BOOK, today=TODAY)) == 1
        )
        assert (
            _page_count(missing_notice_pdf(case, _many("YK-LONG", 60), book=BOOK, today=TODAY)) >= 3
        )


def test_a_case_number_is_not_broken_across_lines() -> None:
    font = cjk_font(36)
    text = "提交时注明案件编号 YK-HV-2026-0001。"
    width = font.getlength("提交时注明案件编号 YK-HV")
    lines = wrap(text, font, width)
    assert lines[0] == "提交时注明案件编号 "
    assert lines[1].startswith("YK-HV-2026-0001")
    # A run wider than the line is still broken rather than overflowing.
    assert all(font.getlength(line) <= width for line in wrap("A" * 80, font, width))
