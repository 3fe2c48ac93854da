"""Dates and validity periods as Chinese documents print them, read through OCR noise.

Handled date forms: ``2023年5月6日``, ``2023年05月06日``, ``二〇二三年五月六日`` (also mixed
and with 号 for 日), ``2023.05.06``, ``2023-5-6``, ``2023/05/06``, ``20230506``. OCR noise
tolerated: spaces between characters, full-width digits, ``○``/``O`` for 〇.

Validity periods: the ID-card back (``2015.03.01-2035.03.01``, ``2015.03.01—长期``) and the
business licence 营业期限 (``2010年01月01日至长期``, ``至2030年12月31日``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final, Literal, NamedTuple

from intake._normalize import fold_width

LONG_TERM: Final = "long_term"
"""The ``valid_to`` of a document valid without end (长期)."""

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_DIGIT_CLASS = "〇零○O一二三四五六七八九"
_NUMBER = rf"[0-9{_CN_DIGIT_CLASS}十]{{1,3}}"
_YEAR = rf"[0-9{_CN_DIGIT_CLASS}]{{4}}"

_WRITTEN_DATE = re.compile(rf"(?P<y>{_YEAR})年(?P<m>{_NUMBER})月(?P<d>{_NUMBER})[日号]?")
# The same separator twice: 2023.05-06 is more likely two fragments than one date.
_DOTTED_DATE = re.compile(
    r"(?P<y>[0-9]{4})(?P<sep>[./\-·。])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
)
_COMPACT_DATE = re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})")
_DATE_FORMS = (_WRITTEN_DATE, _DOTTED_DATE, _COMPACT_DATE)

# A loose union of the date forms, to cut a period into its sides; each side is then read
# by parse_chinese_date, which is strict.
_ANY_DATE = (
    rf"{_YEAR}年{_NUMBER}月{_NUMBER}[日号]?"
    r"|[0-9]{4}[./\-·。][0-9]{1,2}[./\-·。][0-9]{1,2}"
    r"|[0-9]{8}"
)
_LONG_TERM_WORDS = re.compile(r"长期有效|长期|永久有效|永久|无固定期限")
# OCR turns the dash between the dates into any dash, a tilde or the character 一.
_RANGE_SEPARATOR = r"(?:[-—–―‐~～一]+|至|到)"
_LABEL = re.compile(r"^(?:有效期限|营业期限|有效期|期限)[:：]?")
_PERIOD = re.compile(
    rf"自?(?P<start>{_ANY_DATE})?起?{_RANGE_SEPARATOR}"
    rf"(?P<end>{_ANY_DATE}|{_LONG_TERM_WORDS.pattern})止?"
)
_SPACES = re.compile(r"\s+")


class ValidityPeriod(NamedTuple):
    """The validity of a document: None where a side is not stated (至2030年12月31日)."""

    valid_from: date | None
    valid_to: date | Literal["long_term"] | None


def _clean(s: str) -> str:
    # OCR separates characters with spaces; dates never contain meaningful spaces.
    return _SPACES.sub("", fold_width(s))


def _cn_number(text: str) -> int | None:
    """A number written with Arabic or Chinese digits, with 十 for tens (十二, 二十一, 三十)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens_text, _, units_text = text.partition("十")
        if len(tens_text) > 1 or len(units_text) > 1:
            return None
        tens = _CN_DIGITS.get(tens_text, -1) if tens_text else 1
        units = _CN_DIGITS.get(units_text, -1) if units_text else 0
        return None if tens < 0 or units < 0 else tens * 10 + units
    digits = [_CN_DIGITS.get(char, int(char) if char.isdigit() else -1) for char in text]
    if any(digit < 0 for digit in digits):
        return None
    return int("".join(map(str, digits)))


def _make_date(year: str, month: str, day: str) -> date | None:
    year_no, month_no, day_no = _cn_number(year), _cn_number(month), _cn_number(day)
    if year_no is None or month_no is None or day_no is None:
        return None
    try:
        return date(year_no, month_no, day_no)
    except ValueError:
        return None


def parse_chinese_date(s: str) -> date | None:
    """The date the whole of s spells, or None when s is not exactly one valid date.

    Impossible dates (2023年2月30日) give None, as does any text around the date: this parses
    a field value, it does not search a page for dates.
    """
    text = _clean(s)
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            return _make_date(match["y"], match["m"], match["d"])
    return None


def parse_validity_period(s: str) -> ValidityPeriod | None:
    """The (valid_from, valid_to) of an ID card's 有效期限 or a licence's 营业期限.

    ``valid_to`` is ``LONG_TERM`` ("long_term") for 长期. A missing start (至2030年12月31日)
    gives ``valid_from`` None. When a side is present but is not a valid date the whole
    period is None: a misread end must not look like a period without end.
    """
    match = _PERIOD.fullmatch(_LABEL.sub("", _clean(s)))
    if match is None:
        return None
    start_text, end_text = match.group("start"), match.group("end")
    valid_from = parse_chinese_date(start_text) if start_text else None
    if start_text and valid_from is None:
        return None
    if _LONG_TERM_WORDS.fullmatch(end_text):
        return ValidityPeriod(valid_from, LONG_TERM)
    valid_to = parse_chinese_date(end_text)
    if valid_to is None:
        return None
    return ValidityPeriod(valid_from, valid_to)
