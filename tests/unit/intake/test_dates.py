"""Chinese dates and validity periods."""

from __future__ import annotations

from datetime import date

import pytest

from intake import LONG_TERM, ValidityPeriod, parse_chinese_date, parse_validity_period

MAY_6 = date(2023, 5, 6)


@pytest.mark.parametrize(
    "raw",
    [
        "2023年5月6日",
        "2023年05月06日",
        "2023年5月6号",
        "2023年5月6",
        "二〇二三年五月六日",
        "二零二三年五月六日",
        "二○二三年五月六日",  # ○ (white circle) typed or read for 〇
        "二O二三年五月六日",  # letter O read for 〇
        "二〇二三年〇五月〇六日",
        "2023年五月六日",
        "2023.05.06",
        "2023.5.6",
        "2023-5-6",
        "2023-05-06",
        "2023/05/06",
        "2023/5/6",
        "20230506",
        "２０２３年５月６日",
        "２０２３．０５．０６",
        "2 0 2 3 年 5 月 6 日",
        " 2023 . 05 . 06 ",
        "二 〇 二 三 年 五 月 六 日",
    ],
)
def test_every_date_form(raw: str) -> None:
    assert parse_chinese_date(raw) == MAY_6


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("二〇二三年十月十日", date(2023, 10, 10)),
        ("二〇二三年十二月三十一日", date(2023, 12, 31)),
        ("一九九九年十一月二十一日", date(1999, 11, 21)),
        ("二〇〇〇年二月二十九日", date(2000, 2, 29)),
        ("二〇二三年一月二十日", date(2023, 1, 20)),
        ("二〇二三年一十月一日", date(2023, 10, 1)),
    ],
)
def test_chinese_numerals_with_ten(raw: str, expected: date) -> None:
    assert parse_chinese_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2023年2月30日",  # no such day
        "2023年13月1日",
        "二〇二三年二十月一日",
        "二〇二三年十二十月一日",
        "20230230",
        "2023.05-06",  # two separators: more likely two fragments than one date
        "2023.05.06.",
        "签订日期：2023年5月6日",  # a field value, not a search in a page
        "2023年5月6日签",
        "230506",
        "2023年",
        "长期",
    ],
)
def test_not_a_date(raw: str) -> None:
    assert parse_chinese_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015.03.01-2035.03.01", ValidityPeriod(date(2015, 3, 1), date(2035, 3, 1))),
        ("2015.03.01—2035.03.01", ValidityPeriod(date(2015, 3, 1), date(2035, 3, 1))),
        ("2015.03.01一2035.03.01", ValidityPeriod(date(2015, 3, 1), date(2035, 3, 1))),
        ("2015.03.01 - 2035.03.01", ValidityPeriod(date(2015, 3, 1), date(2035, 3, 1))),
        (
            "２０１５．０３．０１－２０３５．０３．０１",
            ValidityPeriod(date(2015, 3, 1), date(2035, 3, 1)),
        ),
        ("2015-03-01-2035-03-01", ValidityPeriod(date(2015, 3, 1), date(2035, 3, 1))),
        ("20150301-20350301", ValidityPeriod(date(2015, 3, 1), date(2035, 3, 1))),
        ("2015.03.01—长期", ValidityPeriod(date(2015, 3, 1), LONG_TERM)),
        ("2015.03.01-长期", ValidityPeriod(date(2015, 3, 1), LONG_TERM)),
        ("有效期限：2015.03.01-长期", ValidityPeriod(date(2015, 3, 1), LONG_TERM)),
        ("2010年01月01日至长期", ValidityPeriod(date(2010, 1, 1), LONG_TERM)),
        ("2010年01月01日 至 长期", ValidityPeriod(date(2010, 1, 1), LONG_TERM)),
        ("2010年01月01日至长期有效", ValidityPeriod(date(2010, 1, 1), LONG_TERM)),
        ("2010年01月01日至2030年12月31日", ValidityPeriod(date(2010, 1, 1), date(2030, 12, 31))),
        (
            "自2010年01月01日起至2030年12月31日止",
            ValidityPeriod(date(2010, 1, 1), date(2030, 12, 31)),
        ),
        ("营业期限:2010年01月01日至长期", ValidityPeriod(date(2010, 1, 1), LONG_TERM)),
        ("至2030年12月31日", ValidityPeriod(None, date(2030, 12, 31))),
        ("营业期限：至2030年12月31日", ValidityPeriod(None, date(2030, 12, 31))),
    ],
)
def test_validity_periods(raw: str, expected: ValidityPeriod) -> None:
    assert parse_validity_period(raw) == expected


def test_long_term_is_the_documented_string() -> None:
    period = parse_validity_period("2015.03.01—长期")
    assert period is not None
    valid_from, valid_to = period
    assert valid_to == "long_term"
    assert valid_from is not None
    assert valid_from.isoformat() == "2015-03-01"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "2015.03.01",  # one date is no period
        "长期",
        "2015.03.01-2035.13.01",  # a misread end must not read as "no end"
        "2015.02.30-长期",
        "2015.03.01-",
        "2015.03.01-短期",
    ],
)
def test_not_a_validity_period(raw: str) -> None:
    assert parse_validity_period(raw) is None
