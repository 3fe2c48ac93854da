"""资料封面: which covers a case's rules ask for, and the pages they print as."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
import pytest

from archive import FontMissingError, Stage, ValidationError, load_rule_book, rule_set_for
from archive._cover_pdf import INSTRUCTION_ZH, cover_image, cover_sheets_pdf
from archive._cover_sheets import CoverPage, cover_pages, cover_stages
from archive._page_draw import load_font
from archive.db import Case
from intake import CoverSheet, read_cover
from tests.unit.archive.rules.test_rules_cases import PERSON, make_case, open_session

BOOK = load_rule_book()


def _pages(case: Case, stage: str | None = None) -> list[CoverPage]:
    return cover_pages(case, rule_set=rule_set_for(BOOK, case), book=BOOK, stage=stage)


def _types(pages: list[CoverPage]) -> list[str]:
    return [page.sheet.doc_type for page in pages]


def test_the_current_stage_has_a_cover_per_required_document(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, case_no="YK-7")
        pages = _pages(case)
    assert _types(pages) == [
        "application_form",
        "id_card",
        "household_register",
        "property_certificate",
    ]
    first = pages[0]
    assert first.sheet == CoverSheet(case_no="YK-7", doc_type="application_form")
    assert first.customer_name == PERSON["name"]
    assert (first.doc_type_zh, first.stage_zh) == ("用电申请表", "业务受理")


def test_alternatives_get_a_cover_each_naming_the_other(database_url: str) -> None:
    with open_session(database_url) as session:
        pages = _pages(make_case(session))
    identity = {page.sheet.doc_type: page for page in pages if "身份证明" in page.requirement_zh}
    assert identity["id_card"].alternatives_zh == ("户口簿",)
    assert identity["household_register"].alternatives_zh == ("居民身份证",)


def test_conditional_requirements_follow_the_cases_facts(database_url: str) -> None:
    with open_session(database_url) as session:
        pages = _pages(make_case(session, facts={"applicant_is_agent": True}))
    assert [p.requirement_zh for p in pages][-2:] == ["授权委托书（原件）", "经办人身份证"]
    assert _types(pages)[-2:] == ["authorization_letter", "id_card"]


def test_all_stages_and_one_chosen_stage(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="high_voltage")
        everything = _pages(case, "all")
        acceptance = _pages(case, "completion_acceptance")
        stages = cover_stages(case, rule_set_for(BOOK, case))
    assert _types(acceptance) == ["completion_report", "acceptance_record"]
    assert _types(everything)[-4:] == [
        "completion_report",
        "acceptance_record",
        "supply_contract",
        "meter_installation",
    ]
    assert len(everything) == len({(p.requirement_zh, p.sheet.doc_type) for p in everything})
    assert stages == [
        Stage.application,
        Stage.supply_plan,
        Stage.completion_acceptance,
        Stage.connection,
    ]


@pytest.mark.parametrize(
    ("stage", "message"),
    [
        ("archived", "requires no documents, so it has no cover sheets; choose one of appl"),
        (
            "design_review",
            "not in the flow of case YK-1; choose one of application, connection, 'all'",
        ),
        ("survey", "'survey' is not a stage of case YK-1"),
    ],
)
def test_a_stage_without_covers_is_refused_naming_the_choices(
    database_url: str, stage: str, message: str
) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        with pytest.raises(ValidationError, match=message):
            _pages(case, stage)


def _page(**overrides: object) -> CoverPage:
    values: dict[str, object] = {
        "sheet": CoverSheet(case_no="YK-2026-000123", doc_type="id_card"),
        "customer_name": "王小明",
        "doc_type_zh": "居民身份证",
        "requirement_zh": "用电人有效身份证明（身份证或户口簿）",
        "stage_zh": "业务受理",
        "alternatives_zh": ("户口簿",),
    }
    values.update(overrides)
    return CoverPage(**values)  # type: ignore[arg-type]


def test_a_printed_cover_decodes_to_its_sheet() -> None:
    page = _page(customer_name="北京市朝阳区某某电子科技股份有限公司第三分公司" * 4)
    image = cover_image(page)
    assert image.mode == "1"
    assert image.size == (1654, 2339)
    assert read_cover(image) == page.sheet


def test_the_pdf_has_one_a4_page_per_cover_in_order() -> None:
    covers = [_page(sheet=CoverSheet(case_no="YK-1", doc_type=t)) for t in ("id_card", "other")]
    pdf = pypdfium2.PdfDocument(io.BytesIO(cover_sheets_pdf(covers)))
    try:
        assert len(pdf) == 2
        width, height = pdf[0].get_size()
        assert (round(width), round(height)) == (595, 842)
        decoded = [read_cover(pdf[i].render(scale=200 / 72).to_pil()) for i in range(2)]
    finally:
        pdf.close()
    assert decoded == [cover.sheet for cover in covers]
    assert INSTRUCTION_ZH == "请将本页放在该资料首页之前一并扫描"


def test_without_a_chinese_font_the_error_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontMissingError, match="apt-get install -y fonts-noto-cjk"):
        load_font(40, [(tmp_path / "missing.ttc", 0)])
