"""Normalisation of text, names, identifiers and addresses, and address similarity."""

from __future__ import annotations

import pytest

from intake import (
    address_similarity,
    normalize_address,
    normalize_identifier,
    normalize_name,
    normalize_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("（注）：２０２３，ｏｋ！", "(注):2023,ok!"),
        ("  容量\t 315 kVA \n", "容量 315 kVA"),
        ("户名　张三", "户名 张三"),
        ("a\u200bb", "ab"),
        ("。、《》", "。、《》"),  # CJK punctuation has no half-width form and stays
        ("", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张 三", "张三"),
        ("张　三", "张三"),
        ("阿依古丽·买买提", "阿依古丽买买提"),
        ("阿依古丽 • 买买提", "阿依古丽买买提"),
        ("阿依古丽・买买提", "阿依古丽买买提"),
        ("Ｊｏｈｎ Ｓｍｉｔｈ", "JOHNSMITH"),
        ("上海某某电力 有限公司", "上海某某电力有限公司"),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_names_that_differ_only_in_spacing_compare_equal() -> None:
    assert normalize_name("阿依古丽 · 买买提") == normalize_name("阿依古丽买买提")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１１０１０５ １９４９１２３１００２ｘ", "11010519491231002X"),
        ("110105-19491231-002x", "11010519491231002X"),
        ("9131 0110 6660 0721 7t", "91310110666007217T"),
        ("110105—19491231－002X", "11010519491231002X"),
        ("O0Il", "O0IL"),  # no repair here: that is repair_citizen_id's job
    ],
)
def test_normalize_identifier(raw: str, expected: str) -> None:
    assert normalize_identifier(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("上海市 浦东新区，张江路１号", "上海市浦东新区张江路1号"),
        ("北京市朝阳区建国路88号（A座）", "北京市朝阳区建国路88号A座"),
        ("天河区体育西路1-3号 a座#2", "天河区体育西路1-3号A座#2"),
    ],
)
def test_normalize_address(raw: str, expected: str) -> None:
    assert normalize_address(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("上海市浦东新区张江路1号", "上海市浦东新区张江路1号"),
        ("上海市浦东新区张江路1号", "浦东新区张江路1号"),
        ("上海市浦东新区张江路1号", "张江路1号"),
        ("上海市浦东新区张江路1号", "上海浦东新区张江路１号"),
        ("广东省广州市天河区体育西路100号", "广州市天河区体育西路100号"),
        ("广东省广州市天河区体育西路100号", "广州天河区体育西路100号"),
        ("新疆维吾尔自治区乌鲁木齐市天山区解放路1号", "新疆乌鲁木齐市天山区解放路1号"),
        ("上海市 浦东新区 张江路 1 号", "上海市浦东新区张江路1号"),
    ],
)
def test_same_address_with_or_without_divisions_is_identical(a: str, b: str) -> None:
    assert address_similarity(a, b) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("北京市朝阳区建国路1号", "上海市浦东新区建国路1号"),
        ("广东省广州市天河区体育西路100号", "广东省广州市天河区体育东路8号"),
        ("上海市浦东新区张江路1号", "上海市浦东新区"),
        ("浙江省杭州市西湖区文三路90号", "江苏省南京市鼓楼区中山路321号"),
    ],
)
def test_different_addresses_score_low(a: str, b: str) -> None:
    assert address_similarity(a, b) < 0.8


def test_a_small_ocr_error_scores_high() -> None:
    score = address_similarity("上海市浦东新区张江路1号3幢201室", "上海市浦东新区张江路1号3憧201室")
    assert 0.85 < score < 1.0


def test_estate_names_are_not_taken_for_districts() -> None:
    # 阳光小区 ends in 区 but is an estate: dropping it would make these look the same.
    assert address_similarity("阳光小区3栋", "月亮小区3栋") < 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("上海市浦东新区张江路1号", "浦东新区张江路2号"),
        ("北京市朝阳区建国路1号", "上海市浦东新区建国路1号"),
        ("", "张江路1号"),
    ],
)
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    score = address_similarity(a, b)
    assert 0.0 <= score <= 1.0
    assert score == address_similarity(b, a)


def test_empty_addresses() -> None:
    assert address_similarity("", "") == 1.0
    assert address_similarity("，", "张江路1号") == 0.0
