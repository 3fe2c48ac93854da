"""Classification of OCR pages into the DESIGN.md document types, with evidence and hints."""

from __future__ import annotations

import random

import pytest

from archive import DocType
from intake import classify
from intake._classify import CUES, DOC_TYPES
from synthetic import DOC_TYPES as CORPUS_TYPES
from synthetic import render
from tests.unit.intake.test_extract_forms import LETTER, PERSON_FORM
from tests.unit.intake.test_extract_ids import ID_CARD, LICENSE
from tests.unit.intake.test_extract_noise import Rows, joined, page_of, pages_of, spaced

HOUSEHOLD: Rows = [
    ["居民户口簿"],
    ["户别", "家庭户", "户主姓名", "何志强"],
    ["住址", "江苏省南京市玄武区中山路18号"],
    ["与户主关系", "户主"],
]
METER: Rows = [
    ["新装(增容)送电单"],
    ["户名", "何志强", "户号", "3201000123"],
    ["电能表", "表号", "0001234567", "示数", "0.00"],
    ["送电时间", "2024年03月01日"],
]
APPROVAL: Rows = [
    ["企业投资项目备案证明"],
    ["项目代码", "2403-320102-04-01-123456"],
    ["项目名称", "综合楼项目", "项目单位", "南京远恒农业开发有限公司"],
    ["建设地点", "南京市玄武区长青街112号"],
    ["总投资", "3000万元"],
]

LEASE: Rows = [
    ["房屋租赁合同"],
    ["出租方（甲方）：", "魏磊"],
    ["承租方（乙方）：", "何志强"],
    ["租赁期限：", "2024年03月01日至2027年02月28日"],
    ["租金：", "每月3000元"],
]


def test_codes_match_the_archive_vocabulary() -> None:
    assert set(DOC_TYPES) == {doc_type.value for doc_type in DocType}
    assert set(CUES) == set(DOC_TYPES) - {"other"}


@pytest.mark.parametrize("doc_type", CORPUS_TYPES)
def test_every_corpus_type_from_its_text(doc_type: str) -> None:
    doc = render(doc_type, random.Random(f"classify-{doc_type}"))
    result = classify(pages_of(doc.page_texts))
    assert result.doc_type == doc_type
    assert result.confidence >= 0.6
    assert result.evidence


@pytest.mark.parametrize(
    ("rows", "doc_type"),
    [
        (ID_CARD, "id_card"),
        (LICENSE, "business_license"),
        (PERSON_FORM, "application_form"),
        (LETTER, "authorization_letter"),
        (HOUSEHOLD, "household_register"),
        (METER, "meter_installation"),
        (APPROVAL, "project_approval"),
        (LEASE, "lease_contract"),
    ],
)
def test_noisy_pages(rows: Rows, doc_type: str) -> None:
    assert classify([page_of(spaced(rows))]).doc_type == doc_type
    assert classify([page_of(joined(rows))]).doc_type == doc_type


def test_title_evidence_names_the_title() -> None:
    result = classify([page_of(LICENSE)])
    assert "title 营业执照" in result.evidence


def test_an_id_type_named_in_a_form_field_is_no_title() -> None:
    # 证件类型：营业执照 on an application form does not make it a license.
    rows = [["证件类型", "营业执照"], ["客户名称", "杭州泰锦商贸有限公司"], ["申请容量", "630"]]
    assert classify([page_of(rows)]).doc_type != "business_license"


def test_blank_or_unrelated_pages_are_other() -> None:
    assert classify([]).doc_type == "other"
    result = classify([page_of([["会议纪要"], ["今天天气很好，大家按时参加了会议。"]])])
    assert result.doc_type == "other"
    assert result.evidence[0].startswith("unsure")


def test_hint_that_agrees_is_confirmed() -> None:
    result = classify([page_of(ID_CARD)], hint="id_card")
    assert result.doc_type == "id_card"
    assert result.evidence[0] == "hint id_card agrees with the page"


def test_hint_contradicted_by_the_page_is_overruled() -> None:
    result = classify([page_of(LICENSE)], hint="id_card")
    assert result.doc_type == "business_license"
    assert result.evidence[0] == "hint id_card disagrees with the page"


def test_hint_kept_when_the_page_says_too_little() -> None:
    result = classify([page_of([["模糊不清"]])], hint="supply_contract")
    assert (result.doc_type, result.confidence) == ("supply_contract", 0.3)
    assert "too little" in result.evidence[0]


def test_hint_supported_by_part_of_the_page_is_kept() -> None:
    # Records of the customer's works share their labels; the title decides, or the hint.
    rows = [
        ["客户名称", "贺辉", "检查日期", "2023年07月06日"],
        ["检查项目", "检查结论", "施工单位"],
    ]
    assert classify([page_of(rows)], hint="inspection_record").doc_type == "inspection_record"


def test_unknown_hint_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown document type hint 'passport'"):
        classify([page_of(ID_CARD)], hint="passport")
