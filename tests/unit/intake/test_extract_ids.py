"""Field extraction from ID cards, business licenses and property certificates, through noise."""

from __future__ import annotations

from collections.abc import Callable

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
    value_below,
)

ID_CARD: Rows = [
    ["姓名", "何志强"],
    ["性别", "男", "民族", "汉"],
    ["出生", "1990", "年", "3", "月", "7", "日"],
    ["住址", "江苏省南京市玄武区"],
    ["中山路18号3单元502室"],
    ["公民身份号码", "32010219900307451X"],
    ["中华人民共和国"],
    ["居民身份证"],
    ["签发机关", "南京市公安局玄武分局"],
    ["有效期限", "2012.05.20-2032.05.20"],
]
ID_CARD_FIELDS = {
    "name": "何志强",
    "gender": "男",
    "ethnicity": "汉",
    "birth_date": "1990-03-07",
    "address": "江苏省南京市玄武区中山路18号3单元502室",
    "id_number": "32010219900307451X",
    "issuing_authority": "南京市公安局玄武分局",
    "valid_from": "2012-05-20",
    "valid_to": "2032-05-20",
}

LICENSE: Rows = [
    ["统一社会信用代码", "91330106MA68YMDQ62"],
    ["营业执照"],
    ["(副本)"],
    ["名　　称：", "杭州泰锦商贸有限公司"],
    ["类　　型：", "有限责任公司(自然人投资或控股)"],
    ["法定代表人：", "熊桂红"],
    ["经营范围：", "技术开发、技术咨询；软件开发"],
    ["注册资本：", "人民币50万元"],
    ["成立日期：", "2004年01月07日"],
    ["营业期限：", "2004年01月07日", "至", "长期"],
    ["住　　所：", "浙江省杭州市西湖区振兴北路61号"],
    ["登记机关"],
    ["2006年06月10日"],
]
LICENSE_FIELDS = {
    "company_name": "杭州泰锦商贸有限公司",
    "credit_code": "91330106MA68YMDQ62",
    "company_type": "有限责任公司(自然人投资或控股)",
    "legal_representative": "熊桂红",
    "address": "浙江省杭州市西湖区振兴北路61号",
    "established_date": "2004-01-07",
    "valid_to": "long_term",
}

DEED: Rows = [
    ["不动产权证书"],
    ["浙(2020)西湖区不动产权第0575072号"],
    ["权利人", "魏磊"],
    ["共有情况", "共同共有"],
    ["坐落", "浙江省杭州市西湖区安康街194号13号楼2540室"],
    ["不动产单元号", "330106011001GB54423F77841614"],
    ["权利类型", "国有建设用地使用权/房屋所有权"],
    ["用途", "城镇住宅用地/住宅"],
]
DEED_FIELDS = {
    "owner": "魏磊",
    "location": "浙江省杭州市西湖区安康街194号13号楼2540室",
    "unit_no": "330106011001GB54423F77841614",
    "certificate_no": "浙(2020)西湖区不动产权第0575072号",
}

Noise = Callable[[Rows], list[OcrPage]]
NOISES: dict[str, Noise] = {
    "clean": lambda rows: [page_of(rows)],
    "spaced": lambda rows: [page_of(spaced(rows))],
    "full_width": lambda rows: [page_of(full_width(rows))],
    "one_box_per_row": lambda rows: [page_of(joined(rows))],
    "shuffled_boxes": lambda rows: [shuffled(page_of(rows))],
    "O_for_0": lambda rows: [page_of(o_for_zero(rows))],
}


@pytest.mark.parametrize("noise", NOISES)
@pytest.mark.parametrize(
    ("doc_type", "rows", "expected"),
    [
        ("id_card", ID_CARD, ID_CARD_FIELDS),
        ("business_license", LICENSE, LICENSE_FIELDS),
        ("property_certificate", DEED, DEED_FIELDS),
    ],
)
def test_every_field_survives_the_noise(
    noise: str, doc_type: str, rows: Rows, expected: dict[str, str]
) -> None:
    fields = extract_fields(doc_type, NOISES[noise](rows))
    assert {name: field.value for name, field in fields.items()} == expected


def test_id_card_value_below_its_label_is_found() -> None:
    rows = value_below([["姓名", "何志强"], ["公民身份号码", "32010219900307451X"]])
    fields = extract_fields("id_card", [page_of(rows)])
    assert fields["name"].value == "何志强"
    assert fields["id_number"].value == "32010219900307451X"


def test_field_keeps_what_the_page_showed_and_where() -> None:
    page = page_of(spaced(o_for_zero(ID_CARD)), confidence=0.8)
    field = extract_fields("id_card", [page])["id_number"]
    assert field.value == "32010219900307451X"
    assert field.ocr_value == "3 2 O 1 O 2 1 9 9 O O 3 O 7 4 5 1 X"
    assert field.page == 1
    assert field.confidence == 0.8
    number_box = next(line.box for line in page.lines if line.text.startswith("3 2 O"))
    assert field.box == number_box


def test_wrong_check_digit_is_kept_as_read_not_guessed() -> None:
    rows = [["公民身份号码", "320102199003074510"]]
    assert extract_fields("id_card", [page_of(rows)])["id_number"].value == "320102199003074510"


def test_id_number_without_its_label_is_still_found() -> None:
    rows = [["居民身份证"], ["32010219900307451X"]]
    assert extract_fields("id_card", [page_of(rows)])["id_number"].value == "32010219900307451X"


def test_long_term_id_card() -> None:
    rows = [["有效期限", "2015.03.01-长期"]]
    fields = extract_fields("id_card", [page_of(rows)])
    assert (fields["valid_from"].value, fields["valid_to"].value) == ("2015-03-01", "long_term")


def test_license_credit_code_misread_letters_repaired() -> None:
    # I for 1 and O for 0, both outside the code set: the only repair that validates.
    rows = [["统一社会信用代码", "9I3IOI1O666OO7217T"]]
    fields = extract_fields("business_license", [page_of(rows)])
    assert fields["credit_code"].value == "91310110666007217T"
    assert fields["credit_code"].ocr_value == "9I3IOI1O666OO7217T"


def test_license_with_a_fixed_term() -> None:
    rows = [["营业期限", "2010年01月01日至2030年12月31日"]]
    fields = extract_fields("business_license", [page_of(rows)])
    assert fields["valid_to"].value == "2030-12-31"


def test_name_and_value_in_one_box_without_space() -> None:
    rows = [["姓名何志强"], ["性别男"], ["民族汉"]]
    values = {k: v.value for k, v in extract_fields("id_card", [page_of(rows)]).items()}
    assert values == {"name": "何志强", "gender": "男", "ethnicity": "汉"}


def test_a_field_the_page_does_not_show_is_absent() -> None:
    fields = extract_fields("id_card", [page_of([["姓名", "何志强"]])])
    assert set(fields) == {"name"}


def test_unknown_document_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown document type 'passport'"):
        extract_fields("passport", [])


def test_ambiguous_credit_code_repair_is_refused() -> None:
    # Two different single swaps (1→L at 14, 8→B at 18) would each validate: keep it as read.
    rows = [["统一社会信用代码", "910841451F1LLCG4C8"]]
    field = extract_fields("business_license", [page_of(rows)])["credit_code"]
    assert field.value == "910841451F1LLCG4C8"


def test_id_number_with_a_misread_letter_that_does_not_validate_is_kept_as_read() -> None:
    # S for 5 is forced (an ID has no letters) but the check still fails: no guessing.
    rows = [["公民身份号码", "3201021990030745S1"]]
    assert extract_fields("id_card", [page_of(rows)])["id_number"].value == "320102199003074551"


@pytest.mark.parametrize(
    ("shown", "number"),
    [
        ("32O1O219900307451X", "32010219900307451X"),
        ("3201021990030745IX", "32010219900307451X"),
        ("320102199003074S1X", "32010219900307451X"),
        ("3Z0102199003074 51x", "32010219900307451X"),
        ("44O524I88OOIOIOOI4", "440524188001010014"),
        ("440524lB8001010014", "440524188001010014"),
    ],
)
def test_look_alike_letters_in_an_id_number_are_repaired(shown: str, number: str) -> None:
    fields = extract_fields("id_card", [page_of([["公民身份号码", shown]])])
    assert (fields["id_number"].value, fields["id_number"].ocr_value) == (number, shown)


def test_address_wrapped_over_three_lines_close_under_its_label() -> None:
    page = page_of([])
    page.lines.extend(
        OcrLine(text, box, 0.99)
        for text, box in [
            ("住址湖北省武汉市武昌区", (318, 458, 644, 497)),
            ("兴业北路218号家园7", (395, 495, 650, 535)),
            ("号楼1单元703室", (396, 535, 597, 572)),
            ("公民身份号码 420106196409045650", (322, 597, 888, 637)),
        ]
    )
    field = extract_fields("id_card", [page])["address"]
    assert field.value == "湖北省武汉市武昌区兴业北路218号家园7号楼1单元703室"
    assert field.box == (377, 458, 650, 572)


def test_label_with_one_character_misread_is_still_a_label() -> None:
    # Tesseract read 号 as 纪; without the label the number would run into the address.
    rows = [["住址北京市海淀区长青东路123号"], ["公民身份纪码110108198810281659"]]
    fields = extract_fields("id_card", [page_of(rows)])
    assert fields["address"].value == "北京市海淀区长青东路123号"
    assert fields["id_number"].value == "110108198810281659"


def test_quotes_sprinkled_over_a_label_are_ignored() -> None:
    rows = [["名”称:”成都创安机械制造有限公司"], ["类型:”有限责任公司(自然人独资)"]]
    values = {k: v.value for k, v in extract_fields("business_license", [page_of(rows)]).items()}
    assert values == {
        "company_name": "成都创安机械制造有限公司",
        "company_type": "有限责任公司(自然人独资)",
    }


@pytest.mark.parametrize("speck", ["”", "' '", "‘’"])
def test_a_box_of_only_quotes_is_no_row(speck: str) -> None:
    rows = [["营业执照"], [speck], ["名称", "成都创安机械制造有限公司"]]
    values = {k: v.value for k, v in extract_fields("business_license", [page_of(rows)]).items()}
    assert values == {"company_name": "成都创安机械制造有限公司"}


@pytest.mark.parametrize("stray", ["1", "l", "|"])
def test_a_stray_stroke_in_a_certificate_numbers_place_is_dropped_in_doubt(stray: str) -> None:
    rows: Rows = [
        ["不动产权证书"],
        [f"苏(2019)苏州工业园{stray}区不动产权第0012345号"],
        ["权利人", "王小明"],
    ]
    field = extract_fields("property_certificate", [page_of(rows)])["certificate_no"]
    assert (field.value, field.doubt) == ("苏(2019)苏州工业园区不动产权第0012345号", "trimmed")


@pytest.mark.parametrize("speck", ["[", "]", "|", "｜"])
def test_a_speck_read_as_a_bracket_inside_the_location_is_dropped_in_doubt(speck: str) -> None:
    rows: Rows = [
        ["不动产权证书"],
        ["权利人", "王小明"],
        ["坐落", f"浙江省杭州市西湖{speck}区育才西路265号"],
    ]
    field = extract_fields("property_certificate", [page_of(rows)])["location"]
    assert (field.value, field.doubt) == ("浙江省杭州市西湖区育才西路265号", "trimmed")


def test_a_clean_location_is_certain() -> None:
    rows: Rows = [["不动产权证书"], ["坐落", "浙江省杭州市西湖区育才西路265号1单元[A]室"]]
    field = extract_fields("property_certificate", [page_of(rows)])["location"]
    assert (field.value, field.doubt) == ("浙江省杭州市西湖区育才西路265号1单元[A]室", None)


def test_a_clean_certificate_number_is_certain() -> None:
    rows: Rows = [["不动产权证书"], ["证号", "沪(2021)浦东新区不动产权第0076543号"]]
    field = extract_fields("property_certificate", [page_of(rows)])["certificate_no"]
    assert (field.value, field.doubt) == ("沪(2021)浦东新区不动产权第0076543号", None)


def test_a_certificate_number_glued_to_the_owner_is_cut_from_both() -> None:
    rows: Rows = [
        ["不动产权证书"],
        ["权利人", "沪(2018)浦东新区不动产权第0592655号上海华恒纺织股份有限公司"],
        ["有限公司沪(2018)浦东新区不动产权第0592655号"],
    ]
    fields = extract_fields("property_certificate", [page_of(rows)])
    assert (fields["owner"].value, fields["owner"].doubt) == ("上海华恒纺织股份有限公司", "trimmed")
    assert fields["certificate_no"].value == "沪(2018)浦东新区不动产权第0592655号"


def test_a_certificate_number_after_a_company_owner_is_cut_off() -> None:
    rows: Rows = [
        ["不动产权证书"],
        ["权利人", "上海华恒纺织股份有限公司沪(2018)浦东新区不动产权第0592655号"],
    ]
    field = extract_fields("property_certificate", [page_of(rows)])["owner"]
    assert (field.value, field.doubt) == ("上海华恒纺织股份有限公司", "trimmed")


@pytest.mark.parametrize("speck", ["∫", "~", "*"])
def test_a_speck_before_a_company_name_is_dropped(speck: str) -> None:
    rows: Rows = [["营业执照"], ["名称", f"{speck}广州安盛机械制造有限公司"]]
    field = extract_fields("business_license", [page_of(rows)])["company_name"]
    assert (field.value, field.doubt) == ("广州安盛机械制造有限公司", "trimmed")
