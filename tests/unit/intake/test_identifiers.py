"""Check characters and what a citizen ID encodes (DOMAIN.md §4 worked examples)."""

from __future__ import annotations

from datetime import date

import pytest

from intake import (
    citizen_id_birth_date,
    citizen_id_check_char,
    citizen_id_gender,
    credit_code_check_char,
    is_valid_citizen_id,
    is_valid_credit_code,
)


@pytest.mark.parametrize("value", ["11010519491231002X", "440524188001010014"])
def test_domain_citizen_ids_are_valid(value: str) -> None:
    assert is_valid_citizen_id(value)


def test_domain_citizen_id_with_wrong_check_is_invalid() -> None:
    assert not is_valid_citizen_id("110105194912310021")
    assert citizen_id_check_char("11010519491231002") == "X"


def test_domain_credit_code_is_valid() -> None:
    assert is_valid_credit_code("91310110666007217T")
    assert credit_code_check_char("91310110666007217") == "T"


def test_domain_pilot_credit_code_fails_the_check() -> None:
    assert not is_valid_credit_code("91350100M0001TGQXM")


@pytest.mark.parametrize(
    ("citizen_id", "expected"),
    [
        ("11010519491231002X", date(1949, 12, 31)),
        ("440524188001010014", date(1880, 1, 1)),
        ("１１０１０５ １９４９１２３１００２ｘ", date(1949, 12, 31)),
    ],
)
def test_birth_date_is_digits_7_to_14(citizen_id: str, expected: date) -> None:
    assert citizen_id_birth_date(citizen_id) == expected


@pytest.mark.parametrize(
    "citizen_id",
    [
        "110105194913310021",  # month 13
        "110105202302300021",  # 30 February
        "11010519491231002",  # 17 characters
        "",
        "1101051949123100AX",
    ],
)
def test_birth_date_is_none_when_not_a_date(citizen_id: str) -> None:
    assert citizen_id_birth_date(citizen_id) is None


@pytest.mark.parametrize(
    ("citizen_id", "expected"),
    [
        ("11010519491231002X", "女"),  # digit 17 = 2
        ("440524188001010014", "男"),  # digit 17 = 1
        ("11010519491231003x", "男"),
        ("110105194912310040", "女"),
    ],
)
def test_gender_is_parity_of_digit_17(citizen_id: str, expected: str) -> None:
    assert citizen_id_gender(citizen_id) == expected


def test_gender_of_malformed_id_raises_with_the_value() -> None:
    with pytest.raises(ValueError, match="1101051949"):
        citizen_id_gender("1101051949")
