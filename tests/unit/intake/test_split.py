"""Splitting a stack into documents, on pages as OCR gives them (no OCR run here).

Synthetic stacks are turned into OCR pages from their ground truth (each printed line a box
of text), so the boundary logic is tested on every document type the generator draws; a
few hand-made pages cover what the generator does not print (an ID card's sides on pages
of their own, a page that continues a contract, cover sheets).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

import pytest

from intake import OcrLine, OcrPage, split_pages
from synthetic import DOC_TYPES, SyntheticStack, build_stack, render, render_stack


@dataclass(frozen=True)
class Cover:
    """A cover sheet's reading, as ``intake._cover.read_cover`` returns it."""

    case_no: str
    doc_type: str


def truth_pages(stack: SyntheticStack) -> list[OcrPage]:
    """The stack's document pages (numbered as in the stack, cover sheets left out) as a
    perfect OCR would read them."""
    return [
        OcrPage(
            number=number,
            width=1654,
            height=2339,
            lines=[OcrLine(line.text, line.box, 0.99) for line in lines],
        )
        for part in stack.parts
        for number, lines in enumerate(part.doc.page_lines, start=part.page_range[0])
    ]


def page(number: int, *rows: str) -> OcrPage:
    """A page printing ``rows`` one under the other."""
    lines = [
        OcrLine(text, (100, 100 + 80 * index, 100 + 40 * len(text), 150 + 80 * index), 0.98)
        for index, text in enumerate(rows)
    ]
    return OcrPage(number=number, width=1654, height=2339, lines=lines)


ID_FRONT = (
    "姓名 张伟",
    "性别 男 民族 汉",
    "出生 1980年1月2日",
    "住址 北京市海淀区",
    "公民身份号码 110108198001021234",
)
ID_BACK = (
    "中华人民共和国",
    "居民身份证",
    "签发机关 北京市公安局海淀分局",
    "有效期限 2015.01.01-2035.01.01",
)
CONTRACT_LAST = (
    "第十三条 本合同一式肆份，具有同等法律效力。",
    "（以下无正文）",
    "供电人（盖章）： 用电人（盖章）：",
)


def renumbered(pages: list[OcrPage]) -> list[OcrPage]:
    """The pages numbered 1, 2, … in this order (covers inserted into a stack)."""
    return [OcrPage(n, p.width, p.height, p.lines) for n, p in enumerate(pages, start=1)]


def ranges(pages: list[OcrPage], **covers: Cover) -> list[tuple[tuple[int, int], str]]:
    marks = {int(number.removeprefix("p")): cover for number, cover in covers.items()}
    return [(part.page_range, part.doc_type) for part in split_pages(pages, covers=marks)]


@pytest.mark.parametrize("seed", range(6))
def test_synthetic_stacks_split_into_their_documents(seed: int) -> None:
    stack = render_stack(random.Random(f"split-{seed}"), documents=4)
    expected = [(part.page_range, part.doc.doc_type) for part in stack.parts]
    assert ranges(truth_pages(stack)) == expected


@cache
def contract_pages() -> tuple[OcrPage, ...]:
    """A three-page 供用电合同 (rendered once: its pages are not changed by any test)."""
    return tuple(truth_pages(build_stack([render("supply_contract", random.Random("c"))])))


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_type_after_a_multi_page_contract_starts_a_part(doc_type: str) -> None:
    second = truth_pages(build_stack([render(doc_type, random.Random(doc_type))]))
    pages = renumbered([*contract_pages(), *second])
    last = 3 + len(second)
    assert ranges(pages) == [((1, 3), "supply_contract"), ((4, last), doc_type)]


def test_an_id_card_front_after_a_contracts_last_page_starts_a_part_and_keeps_its_back() -> None:
    pages = [
        *contract_pages()[:2],
        page(3, *CONTRACT_LAST),
        page(4, *ID_FRONT),
        page(5, *ID_BACK),
    ]
    assert ranges(pages) == [((1, 3), "supply_contract"), ((4, 5), "id_card")]


def test_a_second_card_front_starts_a_second_card() -> None:
    pages = [page(1, *ID_FRONT), page(2, *ID_BACK), page(3, *ID_FRONT), page(4, *ID_BACK)]
    assert ranges(pages) == [((1, 2), "id_card"), ((3, 4), "id_card")]


def test_the_same_title_again_starts_a_second_document_of_that_type() -> None:
    rng = random.Random("two-licences")
    stack = build_stack([render("business_license", rng), render("business_license", rng)])
    assert ranges(truth_pages(stack)) == [
        ((1, 1), "business_license"),
        ((2, 2), "business_license"),
    ]


def test_pages_that_show_no_type_or_only_labels_continue_the_document() -> None:
    pages = [
        page(
            1,
            "用电申请表",
            "客户名称 北京嘉越印务股份有限公司",
            "用电地址 北京市海淀区",
            "申请容量 400kVA",
        ),
        page(2, "附：现场照片"),
        page(3, "计量方式 高供高计", "供电容量 400kVA"),
    ]
    assert ranges(pages) == [((1, 3), "application_form")]


def test_an_untitled_first_page_joins_the_document_after_it() -> None:
    pages = [page(1, "附件一"), page(2, *ID_FRONT), page(3, *ID_BACK)]
    assert ranges(pages) == [((1, 3), "id_card")]


def test_a_cover_page_starts_a_part_names_it_and_is_dropped() -> None:
    rng = random.Random("covers")
    stack = build_stack([render("business_license", rng), render("supply_contract", rng)])
    license, *contract = truth_pages(stack)
    numbered = renumbered([page(0), license, page(0), *contract])
    parts = split_pages(
        numbered, covers={1: Cover("YK-1", "business_license"), 3: Cover("YK-2", "supply_contract")}
    )
    assert [(p.part, p.page_range, p.doc_type, p.case_no) for p in parts] == [
        (1, (2, 2), "business_license", "YK-1"),
        (2, (4, 6), "supply_contract", "YK-2"),
    ]
    assert [p.number for p in parts[1].pages] == [4, 5, 6]


def test_a_cover_splits_even_inside_one_type_and_its_type_is_the_hint() -> None:
    pages = [page(1, *ID_FRONT), page(2), page(3, "附件", "复印件与原件一致")]
    parts = split_pages(pages, covers={2: Cover("YK-9", "household_register")})
    assert [(p.page_range, p.doc_type, p.case_no) for p in parts] == [
        ((1, 1), "id_card", None),
        ((3, 3), "household_register", "YK-9"),
    ]
    assert parts[1].hint == "household_register"


def test_covers_with_nothing_after_them_start_no_part() -> None:
    pages = [page(1), page(2), page(3, *ID_FRONT), page(4)]
    covers = {1: Cover("YK-1", "id_card"), 2: Cover("YK-2", "id_card"), 4: Cover("YK-3", "id_card")}
    parts = split_pages(pages, covers=covers)
    assert [(p.part, p.page_range, p.case_no) for p in parts] == [(1, (3, 3), "YK-2")]


def test_a_cover_naming_an_unknown_type_gives_no_hint() -> None:
    parts = split_pages([page(1), page(2, *ID_FRONT)], covers={1: Cover("YK-1", "passport")})
    assert (parts[0].doc_type, parts[0].cover_doc_type, parts[0].hint) == (
        "id_card",
        "passport",
        None,
    )


def test_a_single_document_is_one_part_over_all_its_pages() -> None:
    parts = split_pages(list(contract_pages()))
    assert [(p.part, p.page_range) for p in parts] == [(1, (1, 3))]
