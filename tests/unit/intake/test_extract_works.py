"""Field extraction from contracts, permits, drawings and inspection records."""

from __future__ import annotations

import random

import pytest

from archive import DocType
from intake import OcrLine, OcrPage, extract_fields
from synthetic import DOC_TYPES, HELD_OUT_LAYOUTS, LAYOUTS, render
from tests.unit.intake.test_extract_noise import (
    Rows,
    full_width,
    joined,
    page_of,
    printed_pages,
    shuffled,
    spaced,
)

CONTRACT_COVER: Rows = [
    ["供用电合同"],
    ["合同编号：", "GYD2O2344O1O63OO95"],
    ["供电人：", "广东电网有限责任公司广州天河供电局"],
    ["用电人：", "许悦婷"],
    ["签订地点：", "广州市天河区"],
    ["签订日期：", "2023年09月23日"],
]
CONTRACT_LAST: Rows = [
    ["第十三条 本合同一式肆份，供电人执贰份，用电人执贰份，具有同等法律效力。"],
    ["供电人（盖章）：", "用电人（盖章）："],
    ["签订日期：2023年09月23日", "签订日期：2023年09月23日"],
]
PERMIT: Rows = [
    ["中华人民共和国"],
    ["建设工程规划许可证"],
    ["编号：建字第31011520222484号", "建设单位（个人）", "上海锦丰农业开发有限公司"],
    ["建设项目名称", "上海锦丰农业开发仓储用房项目"],
    ["建设位置", "上海市浦东新区建设北路70号国际大厦10层"],
    ["建设规模", "总建筑面积8884平方米"],
]
DRAWING: Rows = [
    ["电气一次系统图"],
    ["2.接地电阻不大于4Ω。", "工程名称", "济南越拓机械制造股份有限公司50kVA用电工程"],
    ["3.施工须符合国家现行规范。"],
    ["图名", "电气一次系统图", "图号", "DQ-2023-511-09"],
    ["设计单位", "济南信电气工程设计有限公司"],
    ["设计", "邵凯健", "比例", "1:100"],
    ["审核", "段秀艳", "日期", "2022年06月21日"],
]
RECORD: Rows = [
    ["竣工检验记录"],
    ["工程名称", "贺辉20kVA用电工程"],
    ["客户名称", "贺辉", "检查日期", "2023年07月06日"],
    ["用电地址", "四川省成都市武侯区长青街388号"],
    ["检查人员", "孟文浩", "客户代表"],
]


def test_contract_fields_come_from_the_cover_not_the_clauses() -> None:
    pages = [page_of(CONTRACT_COVER), page_of(CONTRACT_LAST, number=2)]
    fields = extract_fields("supply_contract", pages)
    assert {name: field.value for name, field in fields.items()} == {
        "contract_no": "GYD202344010630095",
        "customer_name": "许悦婷",
        "supplier": "广东电网有限责任公司广州天河供电局",
        "signed_date": "2023-09-23",
    }
    assert fields["customer_name"].page == 1


def test_contract_without_a_readable_cover_date_uses_the_signature_page() -> None:
    pages = [page_of(CONTRACT_COVER[:4]), page_of(CONTRACT_LAST, number=2)]
    field = extract_fields("supply_contract", pages)["signed_date"]
    assert (field.value, field.page) == ("2023-09-23", 2)


@pytest.mark.parametrize("noise", ["clean", "spaced", "joined", "full_width", "shuffled"])
def test_permit_drawing_and_record_through_noise(noise: str) -> None:
    def pages(rows: Rows) -> list[OcrPage]:
        changed = {"spaced": spaced, "joined": joined, "full_width": full_width}.get(noise)
        page = page_of(changed(rows) if changed else rows)
        return [shuffled(page) if noise == "shuffled" else page]

    assert {k: v.value for k, v in extract_fields("planning_permit", pages(PERMIT)).items()} == {
        "permit_no": "建字第31011520222484号",
        "builder": "上海锦丰农业开发有限公司",
        "project_name": "上海锦丰农业开发仓储用房项目",
        "location": "上海市浦东新区建设北路70号国际大厦10层",
    }
    assert {k: v.value for k, v in extract_fields("design_drawing", pages(DRAWING)).items()} == {
        "project_name": "济南越拓机械制造股份有限公司50kVA用电工程",
        "drawing_no": "DQ-2023-511-09",
        "design_unit": "济南信电气工程设计有限公司",
        "date": "2022-06-21",
    }
    assert {k: v.value for k, v in extract_fields("acceptance_record", pages(RECORD)).items()} == {
        "customer_name": "贺辉",
        "date": "2023-07-06",
    }


@pytest.mark.parametrize("doc_type", ["other", "meter_installation", "completion_report"])
def test_other_types_give_customer_and_date(doc_type: str) -> None:
    rows = [["装表接电工单"], ["户名", "贺辉", "日期", "2023年07月06日"]]
    fields = extract_fields(doc_type, [page_of(rows)])
    assert {k: v.value for k, v in fields.items()} == {
        "customer_name": "贺辉",
        "date": "2023-07-06",
    }


_TUNED_LAYOUTS = [
    (doc_type, layout)
    for doc_type in DOC_TYPES
    for layout in LAYOUTS[doc_type]
    if layout not in HELD_OUT_LAYOUTS
]


@pytest.mark.parametrize(("doc_type", "layout"), _TUNED_LAYOUTS)
def test_every_corpus_type_from_its_printed_lines_with_spaces(doc_type: str, layout: str) -> None:
    doc = render(doc_type, random.Random(doc_type), valid_identifiers=False, layout=layout)
    for noisy in (printed_pages(doc), printed_pages(doc, spread=True)):
        fields = extract_fields(doc_type, noisy)
        assert {name: fields[name].value for name in doc.fields if name in fields} == doc.fields


def test_every_document_type_has_extraction_rules() -> None:
    for doc_type in DocType:
        assert isinstance(extract_fields(doc_type, []), dict)


@pytest.mark.parametrize(
    ("doc_type", "rows"),
    [
        ("commitment_letter", [["客户承诺书"], ["承诺人：", "何志强"], ["日期：2024年03月01日"]]),
        (
            "lease_contract",
            [
                ["房屋租赁合同"],
                ["出租方（甲方）：", "魏磊"],
                ["承租方（乙方）：", "何志强"],
                ["签订日期：", "2024年03月01日"],
            ],
        ),
        (
            "equipment_list",
            [
                ["用电设备清单"],
                ["客户名称", "何志强", "填报日期", "2024年03月01日"],
                ["序号", "设备名称", "型号", "数量"],
            ],
        ),
    ],
)
def test_customer_and_date_of_the_other_application_papers(doc_type: str, rows: Rows) -> None:
    fields = extract_fields(doc_type, [page_of(rows)])
    assert {k: v.value for k, v in fields.items()} == {
        "customer_name": "何志强",
        "date": "2024-03-01",
    }


def test_a_drawings_next_note_under_its_project_name_is_not_glued_on() -> None:
    """The notes of a drawing (3.施工须…) may run on right under the name's cell."""
    name = "广州祥泽酒店管理股份有限公司1250kVA用电工程"
    lines = [
        OcrLine("工程名称", (100, 80, 220, 120), 0.95),
        OcrLine(name, (265, 80, 265 + 30 * len(name), 120), 0.95),
        OcrLine("3.施工须符合国家现行规范", (265, 144, 265 + 30 * 12, 184), 0.95),
        OcrLine("二期", (265, 144 + 64, 325, 184 + 64), 0.95),
    ]
    page = OcrPage(number=1, width=1654, height=2339, lines=lines, source="test")
    assert extract_fields("design_drawing", [page])["project_name"].value == name


def test_a_note_left_of_the_title_block_is_not_glued_to_the_project_name() -> None:
    """The engine joined note 2 and the title block's 工程名称 cell into one wide box; note 3,
    a little lower, fell into the same row and sorts after it."""
    name = "广州祥泽酒店管理股份有限公司1250kVA用电工程"
    lines = [
        OcrLine(f"2.接地电阻不大于4Ω。 工程名称 {name}", (123, 1255, 2153, 1326), 0.95),
        OcrLine("3.施工须符合国家现行规范。", (121, 1305, 474, 1346), 0.95),
    ]
    page = OcrPage(number=1, width=2339, height=1654, lines=lines, source="test")
    assert extract_fields("design_drawing", [page])["project_name"].value == name
