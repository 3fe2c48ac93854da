"""Field extraction from application forms, letters, survey records and supply plans."""

from __future__ import annotations

import pytest

from intake import OcrLine, OcrPage, extract_fields
from tests.unit.intake.test_extract_noise import (
    Rows,
    full_width,
    joined,
    o_for_zero,
    page_of,
    shuffled,
    spaced,
)

PERSON_FORM: Rows = [
    ["居民生活用电申请表"],
    ["申请编号：2206299248343526", "申请日期：2022年06月29日"],
    ["客户名称", "闫佳娜"],
    ["证件类型", "居民身份证"],
    ["证件号码", "420106198308303883"],
    ["用电地址", "湖北省武汉市武昌区和平大街129号"],
    ["联系人", "闫佳娜", "联系电话", "18625255944"],
    ["申请容量(kVA)", "8"],
    ["业务类型", "□新装 ■增容 □临时用电"],
    ["用电类别", "居民生活用电"],
    ["受理人", "龙凯勇", "受理日期", "2022年06月29日"],
]
PERSON_FORM_FIELDS = {
    "customer_name": "闫佳娜",
    "id_number": "420106198308303883",
    "address": "湖北省武汉市武昌区和平大街129号",
    "phone": "18625255944",
    "capacity_kva": "8",
    "business_type": "capacity_increase",
}

COMPANY_FORM: Rows = [
    ["高压用电申请表"],
    ["客户名称", "杭州泰锦商贸有限公司"],
    ["证件类型", "营业执照"],
    ["证件号码", "91330106MA68YMDQ62"],
    ["用电地址", "浙江省杭州市西湖区振兴北路61号"],
    ["联系人", "熊桂红", "联系电话", "0571-86012345"],
    ["申请容量(kVA)", "630"],
    ["业务类型", "■新装 □增容 □临时用电"],
]
COMPANY_FORM_FIELDS = {
    "customer_name": "杭州泰锦商贸有限公司",
    "credit_code": "91330106MA68YMDQ62",
    "address": "浙江省杭州市西湖区振兴北路61号",
    "phone": "0571-86012345",
    "capacity_kva": "630",
    "business_type": "new",
}

LETTER: Rows = [
    ["授权委托书"],
    ["委托人：", "石丹洁"],
    ["身份证号码：", "370102200010286056"],
    ["受托人：", "曾梅霞"],
    ["现委托曾梅霞为本人的合法代理人，代表本人办理新装用电业务，签收供电方案答复单。"],
    ["委托期限：自2023年07月30日至2024年07月29日止。"],
    ["委托人（签字/盖章）："],
    ["日期：2023年07月30日"],
]
SURVEY: Rows = [
    ["现场勘查记录"],
    ["户名", "蔡帆成", "申请编号", "2308159163620558"],
    ["用电地址", "上海市浦东新区育才街169号"],
    ["申请容量", "8kVA", "勘查日期", "2023年08月17日"],
    ["现场情况", "用电地址与申请资料一致，现场具备施工条件。"],
]
PLAN: Rows = [
    ["国网南京市玄武区供电公司"],
    ["供电方案答复单"],
    ["户名", "胡娜", "户号", "8592132379"],
    ["申请编号", "2312136459658616", "答复日期", "2023年12月20日"],
    ["有效期", "自客户签收之日起一年（2023年12月20日至2024年12月19日）"],
]


@pytest.mark.parametrize(
    "noise", [page_of, lambda rows: page_of(spaced(rows)), lambda rows: page_of(joined(rows))]
)
@pytest.mark.parametrize(
    ("doc_type", "rows", "expected"),
    [
        ("application_form", PERSON_FORM, PERSON_FORM_FIELDS),
        ("application_form", COMPANY_FORM, COMPANY_FORM_FIELDS),
        (
            "authorization_letter",
            LETTER,
            {"customer_name": "石丹洁", "agent_name": "曾梅霞", "date": "2023-07-30"},
        ),
        ("site_survey_record", SURVEY, {"customer_name": "蔡帆成", "date": "2023-08-17"}),
        (
            "supply_plan",
            PLAN,
            {"customer_name": "胡娜", "date": "2023-12-20", "valid_to": "2024-12-19"},
        ),
    ],
)
def test_form_fields_through_noise(
    noise: object, doc_type: str, rows: Rows, expected: dict[str, str]
) -> None:
    assert callable(noise)
    fields = extract_fields(doc_type, [noise(rows)])
    assert {name: field.value for name, field in fields.items()} == expected


def test_full_width_form_with_boxes_out_of_order() -> None:
    page = shuffled(page_of(full_width(o_for_zero(PERSON_FORM))))
    values = {
        name: field.value for name, field in extract_fields("application_form", [page]).items()
    }
    assert values == PERSON_FORM_FIELDS


def page_of_lines(lines: list[tuple[str, tuple[int, int, int, int]]]) -> OcrPage:
    """A page of OCR lines placed where the engine found them (text, box)."""
    page = page_of([])
    page.lines.extend(OcrLine(text, box, 0.99) for text, box in lines)
    return page


def test_company_name_wrapped_inside_its_table_cell() -> None:
    # The engine reads the cell's two lines apart, one above and one below the label's row.
    page = page_of_lines(
        [
            ("南京远恒农业开发", (540, 426, 800, 461)),
            ("户名 户号 6013955185", (200, 444, 1300, 490)),
            ("有限公司", (540, 469, 675, 513)),
            ("申请编号 2210028317100898 答复日期 2022年10月09日", (200, 553, 1357, 600)),
        ]
    )
    fields = extract_fields("supply_plan", [page])
    assert fields["customer_name"].value == "南京远恒农业开发有限公司"
    assert fields["customer_name"].box == (540, 426, 800, 513)
    assert fields["date"].value == "2022-10-09"


def test_wrapped_company_name_whose_label_was_read_with_the_value_line() -> None:
    # A fax: the label, the cell's second line and the next cell came as one line, so the
    # label's end was estimated right of where the cell's first line (above) begins.
    page = page_of_lines(
        [
            ("北京恒景酒店管理股份有限", (325, 376, 616, 409)),
            ("客户名称 公司 检查日期 2022年12月08日", (167, 390, 983, 444)),
            ("用电地址 北京市海淀区朝阳路66号创新园4号厂房", (167, 470, 750, 508)),
        ]
    )
    fields = extract_fields("acceptance_record", [page])
    assert fields["customer_name"].value == "北京恒景酒店管理股份有限公司"
    assert fields["date"].value == "2022-12-08"


def test_business_type_without_a_checked_box_is_not_guessed() -> None:
    rows = [["业务类型", "□新装 □增容 □临时用电"]]
    assert "business_type" not in extract_fields("application_form", [page_of(rows)])


@pytest.mark.parametrize(
    ("shown", "code"),
    [
        ("增容", "capacity_increase"),
        ("口新装 ☑增容 口临时用电", "capacity_increase"),
        ("口新装 口增容 临时用电", "temporary"),
        ("√新装 □增容", "new"),
    ],
)
def test_business_type_forms(shown: str, code: str) -> None:
    fields = extract_fields("application_form", [page_of([["业务类型", shown]])])
    assert fields["business_type"].value == code


def test_capacity_with_unit_and_misread_zero() -> None:
    fields = extract_fields("application_form", [page_of([["申请容量", "1O0kVA"]])])
    assert fields["capacity_kva"].value == "100"


def test_invalid_citizen_id_on_a_form_is_no_credit_code() -> None:
    rows = [["证件类型", "居民身份证"], ["证件号码", "420106198308303880"]]
    fields = extract_fields("application_form", [page_of(rows)])
    assert {name: field.value for name, field in fields.items()} == {
        "id_number": "420106198308303880"
    }


def test_invalid_credit_code_on_a_form_is_kept_as_read() -> None:
    rows = [["证件类型", "营业执照"], ["证件号码", "91330106MA68YMDQ6A"]]
    fields = extract_fields("application_form", [page_of(rows)])
    assert {name: field.value for name, field in fields.items()} == {
        "credit_code": "91330106MA68YMDQ6A"
    }


def test_company_name_whose_wrapped_cell_was_joined_bottom_line_first() -> None:
    # A skewed scan: the cell's second line sat lower-left and the engine put it first.
    rows = [["户名", "限公司 上海盛越食品有", "申请编号", "2312126755231866"]]
    fields = extract_fields("site_survey_record", [page_of(rows)])
    assert fields["customer_name"].value == "上海盛越食品有限公司"
    assert fields["customer_name"].ocr_value == "限公司 上海盛越食品有"


def test_organisation_names_in_order_are_left_alone() -> None:
    rows = [["供电人：", "广东电网有限责任公司广州天河供电局"], ["用电人：", "许悦婷"]]
    fields = extract_fields("supply_contract", [page_of(rows)])
    assert fields["supplier"].value == "广东电网有限责任公司广州天河供电局"


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("罗悦艳PS 1732351975", "罗悦艳"),  # the next cell's misread label and number
        ("REA", None),  # Tesseract's Latin for a Chinese name: better absent than wrong
        ("北京3M科技有限公司", "北京3M科技有限公司"),
    ],
)
def test_customer_names_are_chinese(shown: str, expected: str | None) -> None:
    fields = extract_fields("supply_plan", [page_of([["户名", shown]])])
    assert (fields["customer_name"].value if "customer_name" in fields else None) == expected


def test_label_mentioned_in_brackets_is_no_label() -> None:
    rows = [
        ["经某公司（以下简称供电人）与"],
        ["何志强(以下简称用电人)协商一致"],
        ["用电人：", "何志强"],
    ]
    fields = extract_fields("supply_contract", [page_of(rows)])
    assert fields["customer_name"].value == "何志强"
    assert "supplier" not in fields


def test_label_note_with_a_misread_bracket() -> None:
    rows = [["建设单位《个人)", "武汉远源建材股份有限公司"]]
    fields = extract_fields("planning_permit", [page_of(rows)])
    assert fields["builder"].value == "武汉远源建材股份有限公司"
