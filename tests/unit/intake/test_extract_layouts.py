"""Extraction on layouts it was not built on: the failures an outside tester found (issue 16).

Each page is laid out from printed lines or cells the way the failing documents were: a
业务编号 cell between the customer label and the name, a work order number glued to the
name, a label row above its values, an authorization letter naming the agent in running
text, the boilerplate paragraph of a 不动产权证书 cut into short fax lines. Readings that
had to be repaired are marked uncertain, with the reason.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from core import Settings
from intake import OcrLine, OcrPage, analyse, extract_fields, open_ocr_engine
from synthetic import HELD_OUT_LAYOUTS, png_bytes, render
from tests.unit.intake.test_extract_noise import (
    CHAR_WIDTH,
    ROW_HEIGHT,
    ROW_PITCH,
    Rows,
    joined,
    page_of,
    printed_pages,
    spaced,
)

NOISES = {"cells": lambda rows: rows, "joined": joined, "spaced": spaced}

Columns = list[list[tuple[int, str]]]  # each row: (left x, text) of its cells


def aligned_page(rows: Columns, *, one_box_per_row: bool = False) -> OcrPage:
    """Cells at given x positions (label rows above value rows line up in columns); with
    ``one_box_per_row`` each row is one box, its cells joined by spaces (as Tesseract and
    text layers give them)."""
    lines = []
    for index, row in enumerate(rows):
        top = 80 + index * ROW_PITCH
        boxes = [(x, top, x + CHAR_WIDTH * len(text), top + ROW_HEIGHT) for x, text in row]
        if one_box_per_row:
            text = " ".join(text for _, text in row)
            lines.append(OcrLine(text, (boxes[0][0], top, boxes[-1][2], top + ROW_HEIGHT), 0.95))
        else:
            lines += [OcrLine(text, box, 0.95) for (_, text), box in zip(row, boxes, strict=True)]
    return OcrPage(number=1, width=1654, height=2339, lines=lines, source="test")


def values(doc_type: str, pages: list[OcrPage]) -> dict[str, str]:
    return {name: field.value for name, field in extract_fields(doc_type, pages).items()}


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize("doc_type", ["inspection_record", "acceptance_record"])
def test_a_business_number_cell_before_the_name_is_not_part_of_it(
    doc_type: str, noise: str
) -> None:
    rows: Rows = [
        ["中间检查记录" if doc_type == "inspection_record" else "竣工检验记录"],
        ["客户名称", "业务编号", "贺辉"],
        ["用电地址", "四川省成都市武侯区长青街388号"],
        ["检查日期", "2023年07月06日"],
    ]
    field = extract_fields(doc_type, [page_of(NOISES[noise](rows))])["customer_name"]
    assert field.value == "贺辉"
    assert (field.uncertain, field.doubt) == (True, "label_residue")


def test_a_business_number_with_its_value_before_the_name_is_removed() -> None:
    rows: Rows = [
        ["竣工检验记录"],
        ["户名：", "业务编号：2307060012345", "成都德恒物流股份有限公司"],
    ]
    field = extract_fields("acceptance_record", [page_of(rows)])["customer_name"]
    assert (field.value, field.doubt) == ("成都德恒物流股份有限公司", "label_residue")


@pytest.mark.parametrize(
    "row",
    [
        ["户名", "贺辉", "工单号", "GD20230706001"],
        ["客户名称", "贺辉", "联系人：", "王磊"],
        ["用电人：贺辉 受理日期：2023年07月06日"],
    ],
)
def test_an_unlisted_label_after_the_name_ends_it(row: list[str]) -> None:
    field = extract_fields("meter_installation", [page_of([["装表接电工单"], row])])
    assert field["customer_name"].value == "贺辉"


def test_a_work_order_number_glued_to_the_name_is_cut_off_and_flagged() -> None:
    rows: Rows = [["装表接电工单"], ["户名", "贺辉20230706001"], ["装表日期", "2023年07月06日"]]
    field = extract_fields("meter_installation", [page_of(rows)])["customer_name"]
    assert (field.value, field.uncertain, field.doubt) == ("贺辉", True, "trimmed")


@pytest.mark.parametrize("one_box_per_row", [False, True])
def test_labels_above_their_values_give_each_column_its_own_value(one_box_per_row: bool) -> None:
    rows: Columns = [
        [(190, "装表接电工单")],
        [(190, "工单编号"), (820, "户名")],
        [(190, "2307060012345"), (820, "贺辉")],
        [(190, "装表日期"), (820, "装表人员")],
        [(190, "2023年07月06日"), (820, "彭波志")],
    ]
    page = aligned_page(rows, one_box_per_row=one_box_per_row)
    assert values("meter_installation", [page]) == {
        "customer_name": "贺辉",
        "date": "2023-07-06",
    }


LETTER: Rows = [
    ["授权委托书"],
    ["委托人：何志强，身份证号码：11010519491231002X。受托人：魏磊，身份证"],
    ["号：370102198507154411，联系电话：13800138000。现委托魏磊为本人的合法代"],
    ["理人，代表本人前往国网济南供电公司办理新装用电业务。"],
    ["日期：2024年03月01日"],
]


@pytest.mark.parametrize("noise", NOISES)
def test_a_letter_names_customer_and_agent_in_running_text(noise: str) -> None:
    fields = extract_fields("authorization_letter", [page_of(NOISES[noise](LETTER))])
    assert {name: field.value for name, field in fields.items()} == {
        "customer_name": "何志强",
        "agent_name": "魏磊",
        "agent_id_number": "370102198507154411",
        "date": "2024-03-01",
    }
    assert not fields["agent_id_number"].uncertain


def test_a_letter_with_label_rows_gives_the_agent_and_the_agents_id() -> None:
    rows: Rows = [
        ["授权委托书"],
        ["委托人：", "何志强"],
        ["身份证号码：", "11010519491231002X"],
        ["受托人：", "魏磊"],
        ["身份证号码：", "370102198507154411"],
        ["联系电话：", "13800138000"],
    ]
    found = values("authorization_letter", [page_of(rows)])
    assert (found["agent_name"], found["agent_id_number"]) == ("魏磊", "370102198507154411")


def test_a_company_letter_whose_code_name_lost_a_character_still_names_the_company() -> None:
    rows: Rows = [
        ["授权委托书"],
        ["兹有济南越嘉电子股份有限公司（统社会信用代码"],
        ["91370102MAKELD0KXR）委托黄霞（身份证号码110105200405278828，"],
        ["联系电话18618966464）作为我单位的代理人。"],
    ]
    found = values("authorization_letter", [page_of(rows)])
    assert (found["customer_name"], found["agent_name"]) == ("济南越嘉电子股份有限公司", "黄霞")


FAX_DEED: Rows = [
    ["不动产权证书"],
    ["根据《中华人民共和国民法典》等法"],
    ["律法规，为保护不动产权利人合法权益，"],
    ["对不动产权利人申请登记的本证所列不动"],
    ["产权利，经审查核实，准予登记，颁发此证。"],
    ["权利人", "王小明"],
    ["坐落", "北京市朝阳区光华路1号"],
]


@pytest.mark.parametrize("noise", NOISES)
def test_the_deed_owner_is_never_the_boilerplate_paragraph(noise: str) -> None:
    found = values("property_certificate", [page_of(NOISES[noise](FAX_DEED))])
    assert found["owner"] == "王小明"


@pytest.mark.parametrize(
    ("doc_type", "layout"),
    [
        ("inspection_record", "record_box_business_no"),
        ("acceptance_record", "record_left_business_no"),
        ("meter_installation", "work_order_box"),
        ("meter_installation", "work_order_left"),
        ("authorization_letter", "letter_prose"),
        ("property_certificate", "deed_boilerplate"),
    ],
)
def test_new_layouts_from_their_printed_lines(doc_type: str, layout: str) -> None:
    assert layout not in HELD_OUT_LAYOUTS
    doc = render(doc_type, random.Random(f"layout-{layout}"), layout=layout)
    for pages in (printed_pages(doc), printed_pages(doc, spread=True)):
        fields = extract_fields(doc_type, pages)
        assert {name: fields[name].value for name in doc.fields if name in fields} == doc.fields
        assert not any(fields[name].uncertain for name in doc.fields)


def test_a_clean_reading_is_certain() -> None:
    rows: Rows = [["竣工检验记录"], ["客户名称", "贺辉", "检查日期", "2023年07月06日"]]
    fields = extract_fields("acceptance_record", [page_of(rows)])
    assert [(field.uncertain, field.doubt) for field in fields.values()] == [(False, None)] * 2


def test_a_low_confidence_reading_is_uncertain() -> None:
    rows: Rows = [["竣工检验记录"], ["客户名称", "贺辉"]]
    field = extract_fields("acceptance_record", [page_of(rows, confidence=0.42)])["customer_name"]
    assert (field.value, field.uncertain, field.doubt) == ("贺辉", True, "low_confidence")


def test_one_doubtful_character_makes_the_reading_uncertain_whatever_the_line_scored() -> None:
    # A fax read 长青 as 长首: the line scored 0.93, the one character 0.31.
    value = "北京市朝阳区长首大街321号"
    characters = tuple(0.31 if char == "首" else 0.97 for char in value)
    page = page_of([["不动产权证书"], ["权利人", "张伟"]])
    page.lines.append(OcrLine("坐落", (100, 208, 160, 248), 0.99))
    page.lines.append(OcrLine(value, (205, 208, 655, 248), 0.93, characters))
    fields = extract_fields("property_certificate", [page])
    assert (fields["location"].value, fields["location"].doubt) == (value, "low_confidence")
    assert fields["location"].confidence == pytest.approx(0.31)
    assert not fields["owner"].uncertain


def test_a_doubtful_character_outside_the_value_leaves_it_certain() -> None:
    text = "客户名称 贺辉 检查日期 2023年O7月06日"
    characters = tuple(0.2 if char == "O" else 0.98 for char in text)
    page = page_of([["竣工检验记录"]])
    page.lines.append(OcrLine(text, (100, 144, 900, 184), 0.9, characters))
    fields = extract_fields("acceptance_record", [page])
    assert (fields["customer_name"].value, fields["customer_name"].doubt) == ("贺辉", None)
    assert fields["date"].doubt == "low_confidence"


def test_an_identifier_whose_check_digit_fails_is_uncertain() -> None:
    rows: Rows = [["居民身份证"], ["姓名", "何志强"], ["公民身份号码", "110105194912310022"]]
    fields = extract_fields("id_card", [page_of(rows)])
    assert (fields["id_number"].value, fields["id_number"].doubt) == (
        "110105194912310022",
        "check_digit",
    )
    assert fields["id_number"].uncertain
    assert not fields["name"].uncertain


def test_an_identifier_found_without_its_label_is_a_fallback() -> None:
    rows: Rows = [["居民身份证"], ["姓名", "何志强"], ["11010519491231002X"]]
    field = extract_fields("id_card", [page_of(rows)])["id_number"]
    assert (field.value, field.uncertain, field.doubt) == ("11010519491231002X", True, "fallback")


def test_an_identifier_of_the_wrong_length_is_unparsed() -> None:
    rows: Rows = [["居民身份证"], ["公民身份号码", "11010519491231002"]]
    field = extract_fields("id_card", [page_of(rows)])["id_number"]
    assert (field.uncertain, field.doubt) == (True, "unparsed")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("doc_type", "layout"),
    [("inspection_record", "record_box_business_no"), ("authorization_letter", "letter_prose")],
)
def test_new_layouts_with_the_real_engine(
    doc_type: str, layout: str, tmp_path: Path, settings: Settings
) -> None:
    doc = render(doc_type, random.Random(f"engine-{layout}"), layout=layout)
    path = tmp_path / "scan.png"
    path.write_bytes(png_bytes(doc.images[0]))
    analysis = analyse(path, media_type=None, settings=settings, engine=open_ocr_engine(settings))
    assert analysis.doc_type == doc_type
    assert {name: analysis.values.get(name) for name in doc.fields} == doc.fields


SIGNED_LETTER: Rows = [
    ["授权委托书"],
    ["本人何志强（公民身份号码11010519491231002X）现委托魏磊（身份证"],
    ["号码370102198507154411）为本人的代理人，办理新装用电业务。"],
    ["委托人（签字/盖章）：", "何忐"],
    ["日期：2024年03月01日"],
]


@pytest.mark.parametrize("noise", NOISES)
def test_the_principal_in_running_text_beats_a_handwritten_signature(noise: str) -> None:
    field = extract_fields("authorization_letter", [page_of(NOISES[noise](SIGNED_LETTER))])[
        "customer_name"
    ]
    assert (field.value, field.doubt) == ("何志强", None)


def test_a_name_read_only_on_a_signature_line_is_uncertain() -> None:
    rows: Rows = [["授权委托书"], ["委托人（签字/盖章）：", "何忐"], ["日期：2024年03月01日"]]
    field = extract_fields("authorization_letter", [page_of(rows)])["customer_name"]
    assert (field.value, field.uncertain, field.doubt) == ("何忐", True, "signature")


def test_a_printed_principal_before_the_signature_line_stays_certain() -> None:
    rows: Rows = [["授权委托书"], ["委托人：", "何志强"], ["委托人（签字/盖章）：", "何忐"]]
    field = extract_fields("authorization_letter", [page_of(rows)])["customer_name"]
    assert (field.value, field.doubt) == ("何志强", None)
