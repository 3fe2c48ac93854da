"""Turning the text after a label into a field value: dates, identifiers, numbers, codes.

Each normaliser takes the compact text (half-width, no whitespace) found after a label and
returns the normalised value, or None when the text does not hold one, so that the next
occurrence of the label can be tried. They search the text rather than parse all of it:
OCR may glue the neighbouring cell to a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from intake._dates import LONG_TERM, parse_chinese_date, parse_validity_period
from intake._extract_layout import is_cjk
from intake._fields import Doubt
from intake._identifiers import (
    IdentifierRepair,
    is_valid_citizen_id,
    is_valid_credit_code,
    repair_citizen_id,
    repair_credit_code,
)
from intake._normalize import normalize_identifier

Normaliser = Callable[[str], str | None]

_CN_DIGIT = "0-9〇零○O一二三四五六七八九"
_DATE = re.compile(
    rf"[{_CN_DIGIT}]{{4}}年[{_CN_DIGIT}十]{{1,3}}月[{_CN_DIGIT}十]{{1,3}}[日号]?"
    r"|[0-9]{4}([./\-·。])[0-9]{1,2}\1[0-9]{1,2}"
    r"|(?<![0-9])[0-9]{8}(?![0-9])"
)
_LONG_TERM = re.compile(r"长期|永久|无固定期限")
_EDGE_PUNCTUATION = ":;,.、，。；：_|'\"`“”‘’「」"
_PERSON_NAME = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff·•・.]{1,11}")
_ALNUM_RUN = re.compile(r"[0-9A-Za-z]+")
_PHONE = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9])")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# What OCR reads for the digits of phone numbers and codes; never applied to identifiers,
# which have their own repair that checks the result.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
_LOOKALIKE_IN_DIGITS = re.compile(r"(?<=[0-9])[OoIl|]+(?=[0-9])")
_ID_LENGTH = 18

# How the names of organisations end; a name with 公司 inside that ends otherwise is out of order.
# A neighbouring cell glued to a name: Latin letters and digits (an ID, a work order number)
# after it, or a code before it.
_NON_CHINESE_TAIL = re.compile(r"(?<=[\u4e00-\u9fff])(?:[A-Za-z][A-Za-z0-9|]{2,}|[0-9]{3,})$")
_NON_CHINESE_HEAD = re.compile(r"^[0-9A-Za-z\-_/]{3,}(?=[\u4e00-\u9fff])")
# A certificate number glued to a name (沪(2018)浦东新区不动产权第0592655号上海华恒…, or after
# it: a wrapped cell may be joined either way) and a symbol a speck or rule was read as before
# it (∫广州安盛…): no name holds the one or starts with the other.
_CERTIFICATE_IN_NAME = re.compile(r"[\u4e00-\u9fff]\([0-9]{4}\)[^()]{1,16}?第[0-9]{4,10}号")
_SYMBOL_HEAD = re.compile(r"^[^\w(]+")
# Prose is never a name: the boilerplate of a certificate (为保护不动产权利人合法权益，对…)
# or a clause of a contract holds clause punctuation or these words.
_PROSE = re.compile(r"[,;!?。！？《》]|的|对|合法权益|依法|本证|根据|经审查|准予|颁发|为保护")
_MAX_NAME_LENGTH = 40
_ORGANISATION_END = re.compile("(?:公司|厂|中心|局|院|所|店|部|社|行|站|队|会|处|场|馆)$")
# A whole certificate number: one character for the province, the year, place, 不动产权第…号.
_CERTIFICATE = re.compile(
    r"[\u4e00-\u9fff]\([0-9]{4}\)[\u4e00-\u9fff0-9Il|]{1,16}?不动产权第[0-9OoIl]{4,10}号"
)
# The place name of a certificate number, between its year and 不动产权第…号.
_CERTIFICATE_PLACE = re.compile(r"\([0-9]{4}\)(?P<place>[^()]{1,16}?)不动产权")
# A rule or speck of a fax read as a bracket or bar inside an address (西湖[区): no address
# holds one between two Chinese characters.
_SPECK_IN_PLACE = re.compile(r"(?<=[\u4e00-\u9fff])[\[\]|｜]+(?=[\u4e00-\u9fff])")
_STRAY_IN_PLACE = re.compile(r"(?<=[\u4e00-\u9fff])[0-9Il|]{1,2}(?=[\u4e00-\u9fff])")
BUSINESS_TYPES = {"新装": "new", "增容": "capacity_increase", "临时用电": "temporary"}
_CHECKED = "■☑✓√✔●▣☒◼"
_UNCHECKED = "□口☐○◻"


def _fix_digits(value: str) -> str:
    """O, I and l between digits read as 0 and 1."""
    return _LOOKALIKE_IN_DIGITS.sub(lambda match: match.group().translate(_DIGIT_LOOKALIKES), value)


def text(value: str) -> str | None:
    """Free text (an address, a company name) without punctuation at its ends."""
    cleaned = value.strip(_EDGE_PUNCTUATION)
    return cleaned or None


def party(value: str) -> str | None:
    """A person's or organisation's name, in Chinese.

    Latin letters and digits after the name with no Chinese among them are a misread
    neighbouring cell (罗悦艳PS1732351975, 贺辉20230706001), as is a code or a certificate
    number before it, and a symbol before it is a misread speck; a value with no Chinese at
    all is a misread name. Prose (clause punctuation, 的, 对,
    合法权益 …) is no name: a label word in a printed paragraph gives None. A company name
    whose wrapped table cell the engine joined bottom line first (限公司上海盛越食品有) is
    put back in order.
    """
    cleaned = chinese(value)
    if cleaned is None:
        return None
    tail = _NON_CHINESE_TAIL.search(cleaned)
    cleaned = cleaned[: tail.start()] if tail else cleaned
    cleaned = _NON_CHINESE_HEAD.sub("", _CERTIFICATE_IN_NAME.sub("", cleaned))
    cleaned = _SYMBOL_HEAD.sub("", cleaned)
    if _PROSE.search(cleaned) or len(cleaned) > _MAX_NAME_LENGTH:
        return None
    if _ORGANISATION_END.search(cleaned) or "公司" not in cleaned:
        return cleaned
    cut = cleaned.rindex("公司") + len("公司")
    return cleaned[cut:] + cleaned[:cut]


def chinese(value: str) -> str | None:
    """Text that must hold Chinese (a name, an address): None when it holds none."""
    cleaned = text(value)
    return cleaned if cleaned and any(is_cjk(char) for char in cleaned) else None


def place(value: str) -> str | None:
    """An address or an authority: places never start with a dash, which OCR reads as 一, nor
    hold a bracket or bar between two Chinese characters (a speck read as one; dropped, and
    the reading is ``trimmed``)."""
    return chinese(_SPECK_IN_PLACE.sub("", value.lstrip("-—–一~_")))


def _place_doubt(raw: str, _value: str) -> Doubt | None:
    """``trimmed`` when a speck read as a bracket or bar was dropped from the place."""
    return "trimmed" if _SPECK_IN_PLACE.search(raw) else None


def person_name(value: str) -> str | None:
    """A person's name: the leading run of Chinese characters (with an interpunct)."""
    match = _PERSON_NAME.match(value.strip(_EDGE_PUNCTUATION))
    return match.group().rstrip("·•・.") if match else None


def ethnicity(value: str) -> str | None:
    """An ethnic group as printed (汉, 蒙古), without a trailing 族."""
    match = re.match(r"[\u4e00-\u9fff]{1,6}", value.strip(_EDGE_PUNCTUATION))
    if match is None:
        return None
    return match.group().removesuffix("族") or match.group()


def gender(value: str) -> str | None:
    """男 or 女, the first one the text shows."""
    match = re.search("[男女]", value)
    return match.group() if match else None


def iso_date(value: str) -> str | None:
    """The first date in the text, as ISO ``YYYY-MM-DD``."""
    for match in _DATE.finditer(value):
        day = parse_chinese_date(match.group())
        if day is not None:
            return day.isoformat()
    return None


def period_start(value: str) -> str | None:
    """The start of a validity period (``2015.03.01-2035.03.01``) as an ISO date."""
    period = parse_validity_period(value)
    if period is not None:
        return period.valid_from.isoformat() if period.valid_from else None
    return iso_date(value)


def period_end(value: str) -> str | None:
    """The end of a validity period: an ISO date, or ``long_term`` for 长期.

    A period in prose (自客户签收之日起一年（2023年12月20日至2024年12月19日）) gives its
    last date.
    """
    period = parse_validity_period(value)
    if period is not None and period.valid_to is not None:
        return period.valid_to if isinstance(period.valid_to, str) else period.valid_to.isoformat()
    if _LONG_TERM.search(value):
        return LONG_TERM
    dates = [parse_chinese_date(match.group()) for match in _DATE.finditer(value)]
    found = [day for day in dates if day is not None]
    return found[-1].isoformat() if len(found) > 1 else None


def _identifier_candidate(value: str) -> str | None:
    """The 18-character run of letters and digits in the text, as read."""
    runs = [run.group() for run in _ALNUM_RUN.finditer(value)]
    exact = [run for run in runs if len(run) == _ID_LENGTH]
    if exact:
        return exact[0]
    near = [run for run in runs if abs(len(run) - _ID_LENGTH) <= 1]
    return near[0] if near else None


def _repaired(repair: IdentifierRepair) -> str:
    """The value to record: repaired when that was safe, else the identifier as read."""
    return repair.value if repair.value is not None else normalize_identifier(repair.original)


def citizen_id(value: str) -> str | None:
    """A 公民身份号码, repaired when exactly one repair validates; as read when it does not.

    A value with the shape of a credit code (letters where an ID has digits) is not an ID.
    """
    candidate = _identifier_candidate(value)
    if candidate is None:
        return None
    repair = repair_citizen_id(candidate)
    if repair.status == "malformed" and len(candidate) == _ID_LENGTH:
        return None
    if repair.status in ("invalid_checksum", "ambiguous") and (
        repair_credit_code(candidate).status in ("valid", "repaired")
    ):
        return None
    return _repaired(repair)


def credit_code(value: str) -> str | None:
    """A 统一社会信用代码, repaired when exactly one repair validates; as read when it does not.

    A value with the shape of a citizen ID (17 digits and a check character) is not a
    credit code unless it validates as one and not as an ID.
    """
    candidate = _identifier_candidate(value)
    if candidate is None:
        return None
    as_id = repair_citizen_id(candidate)
    if as_id.status in ("valid", "repaired"):
        return None
    repair = repair_credit_code(candidate)
    if repair.status in ("valid", "repaired"):
        return _repaired(repair)
    if as_id.status != "malformed" or (
        repair.status == "malformed" and len(candidate) == _ID_LENGTH
    ):
        return None
    return _repaired(repair)


def phone(value: str) -> str | None:
    """A mobile (11 digits) or landline number."""
    match = _PHONE.search(value.translate(_DIGIT_LOOKALIKES))
    return match.group() if match else None


def number(value: str) -> str | None:
    """The first number in the text (a capacity in kVA), without a trailing ``.0``."""
    match = _NUMBER.search(_fix_digits(value))
    if match is None:
        return None
    found = match.group()
    return found.removesuffix(".0") if found.endswith(".0") else found


def code(value: str) -> str | None:
    """A document number (合同编号, 图号, 建字第…号): O and I between digits read as 0 and 1."""
    cleaned = text(value)
    if cleaned is None:
        return None
    return _fix_digits(cleaned)


def certificate_no(value: str) -> str | None:
    """A property certificate's number (京(2020)朝阳区不动产权第0357576号), as a ``code``; a
    digit or stroke between the Chinese characters of its place name (朝阳1区) is a table
    rule or speck misread, and is dropped: place names hold no digits. Text glued before the
    province's one character or after 号 is a neighbouring cell's, cut off."""
    cleaned = code(value)
    if cleaned is None:
        return None
    whole = _CERTIFICATE.search(cleaned)
    cleaned = whole.group() if whole else cleaned  # the neighbouring cell's text cut off
    match = _CERTIFICATE_PLACE.search(cleaned)
    if match is None:
        return cleaned
    place = _STRAY_IN_PLACE.sub("", match.group("place"))
    return cleaned[: match.start("place")] + place + cleaned[match.end("place") :]


def business_type(value: str) -> str | None:
    """The business type code a checkbox row (□新装 ■增容 □临时用电) or plain word shows."""
    options = [
        (match.start(), word) for word in BUSINESS_TYPES for match in re.finditer(word, value)
    ]
    if not options:
        return None
    if len(options) == 1:
        return BUSINESS_TYPES[options[0][1]]
    checked = [word for start, word in options if start and value[start - 1] in _CHECKED]
    if len(checked) == 1:
        return BUSINESS_TYPES[checked[0]]
    unmarked = [word for start, word in options if not start or value[start - 1] not in _UNCHECKED]
    return BUSINESS_TYPES[unmarked[0]] if len(unmarked) == 1 else None


def _party_doubt(raw: str, value: str) -> Doubt | None:
    """``trimmed`` when text glued to the name was cut off (reordering is no cut)."""
    kept = text(raw) or ""
    return "trimmed" if sorted(kept) != sorted(value) else None


def _identifier_doubt(valid: Callable[[str], bool]) -> Callable[[str, str], Doubt | None]:
    def doubt(_raw: str, value: str) -> Doubt | None:
        if valid(value):
            return None
        return "check_digit" if len(value) == _ID_LENGTH else "unparsed"

    return doubt


def _certificate_doubt(raw: str, value: str) -> Doubt | None:
    """``trimmed`` when a misread character was dropped from the place name."""
    return "trimmed" if code(raw) != value else None


_DOUBTS: dict[Normaliser, Callable[[str, str], Doubt | None]] = {
    party: _party_doubt,
    place: _place_doubt,
    certificate_no: _certificate_doubt,
    citizen_id: _identifier_doubt(is_valid_citizen_id),
    credit_code: _identifier_doubt(is_valid_credit_code),
}


def doubt_of(normalise: Normaliser, raw: str, value: str) -> Doubt | None:
    """Why the value normalise gave for raw is in doubt, or None: a party's name that had
    text glued to it cut off, a place a speck was dropped from, a certificate number a misread
    character was dropped from, an identifier whose check character fails or that has the
    wrong length."""
    check = _DOUBTS.get(normalise)
    return check(raw, value) if check is not None else None
