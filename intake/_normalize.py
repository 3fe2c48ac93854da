"""Normalisation of OCR text, names, identifiers and addresses before they are compared.

OCR and PDF text layers of Chinese documents mix full-width and half-width forms
(``１２３`` vs ``123``, ``（`` vs ``(``), scatter spaces between characters and write the
same address with or without its province and city. Everything that compares an extracted
value with the case record goes through these functions first, so that two spellings of
the same thing compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Full-width ASCII variants (U+FF01..U+FF5E) sit at a fixed offset from ASCII (U+0021..U+007E).
_FULL_WIDTH_OFFSET = 0xFEE0
_WIDTH_TABLE: dict[int, str] = {
    code: chr(code - _FULL_WIDTH_OFFSET) for code in range(0xFF01, 0xFF5F)
}
_WIDTH_TABLE[0x3000] = " "  # ideographic space
# Zero-width characters survive copy-paste from PDF text layers and split otherwise equal strings.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)

_WHITESPACE = re.compile(r"\s+")

# Interpunct look-alikes found in minority names (阿依古丽·买买提): OCR and typists use any of them,
# or drop the dot altogether, so names compare without it.
_INTERPUNCTS = "·•・‧∙⋅･."
_NAME_DROP = dict.fromkeys(map(ord, _INTERPUNCTS), None)

# Hyphen and dash look-alikes that people put inside identifiers for readability.
_IDENTIFIER_DROP = dict.fromkeys(map(ord, "-‐‑‒–—―−"), None)


def fold_width(s: str) -> str:
    """Map full-width ASCII forms and the ideographic space to their half-width forms.

    Unlike NFKC this leaves CJK punctuation such as ``。`` and ``、`` and symbols such as
    ``㎡`` alone, which keeps the text a reviewer sees recognisable.
    """
    return s.translate(_WIDTH_TABLE).translate(_INVISIBLE)


def normalize_text(s: str) -> str:
    """Fold full-width digits, letters and punctuation to half width and collapse whitespace.

    Every run of whitespace (including newlines and the ideographic space) becomes one
    space; leading and trailing whitespace is removed. Split text into lines first when the
    line structure matters.
    """
    return _WHITESPACE.sub(" ", fold_width(s)).strip()


def normalize_name(s: str) -> str:
    """A person's or company's name in the form used for comparing names.

    Removes every space (OCR puts spaces between the characters of a name) and every
    interpunct variant, folds full width to half width and upper-cases Latin letters, so
    ``阿依古丽 · 买买提`` and ``阿依古丽买买提`` compare equal.
    """
    return _WHITESPACE.sub("", fold_width(s)).translate(_NAME_DROP).upper()


def normalize_identifier(s: str) -> str:
    """An identifier with spaces and hyphens removed, half width and upper case.

    ``１１０１０５ １９４９１２３１００２ｘ`` becomes ``11010519491231002X``. No characters are
    repaired here; see ``repair_citizen_id`` and ``repair_credit_code`` for that.
    """
    return compact_identifier(s).upper()


def compact_identifier(s: str) -> str:
    """Like ``normalize_identifier`` but keeps the letter case, which repairs still need."""
    return _WHITESPACE.sub("", fold_width(s)).translate(_IDENTIFIER_DROP)


# Address comparison -------------------------------------------------------------------------

# Province-level names by their short form: people write 上海 or 上海市, 广西 or 广西壮族自治区.
_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_PROVINCE = re.compile(
    rf"^({_PROVINCES})(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
)
# A prefecture or county level segment: a short name ending in an administrative suffix.
_DIVISION = re.compile(r"^([\u4e00-\u9fff]{1,7}?(?:自治州|自治县|地区|盟|市|区|县|旗))")
# Words that show a "division" match is really a street, estate or building (阳光小区, 市场路).
_NOT_A_DIVISION = re.compile(r"小区|社区|[街路道巷弄村镇乡号楼栋幢座室场厦园苑]")
_MAX_DIVISIONS = 2
_DIVISION_SUFFIX = re.compile(r"(?:省|市)$")
_ADDRESS_KEEP = "-#"


def normalize_address(s: str) -> str:
    """An address in the form used for comparing addresses.

    Folds width, removes whitespace and punctuation (keeping ``-`` and ``#`` that separate
    house numbers) and upper-cases Latin letters (``A座`` = ``a座``).
    """
    folded = fold_width(s).upper()
    return "".join(
        char
        for char in folded
        if char in _ADDRESS_KEEP or unicodedata.category(char)[0] not in "PZC"
    )


def _split_divisions(address: str) -> tuple[str, str]:
    """Split a normalised address into its leading administrative divisions and the rest.

    The divisions come back in a canonical form (short province names, no 省/市 suffix) so
    that 上海市浦东新区 and 上海浦东新区 give the same prefix.
    """
    parts: list[str] = []
    rest = address
    province = _PROVINCE.match(rest)
    if province:
        parts.append(province.group(1))
        rest = rest[province.end() :]
    for _ in range(_MAX_DIVISIONS):
        division = _DIVISION.match(rest)
        if not division or _NOT_A_DIVISION.search(division.group(1)):
            break
        parts.append(_DIVISION_SUFFIX.sub("", division.group(1)))
        rest = rest[division.end() :]
    return "".join(parts), rest


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def address_similarity(a: str, b: str) -> float:
    """How alike two addresses are, from 0.0 (nothing shared) to 1.0 (the same).

    Both are normalised first. Leading administrative divisions (province, city, district)
    are tolerated when one address omits them (上海市浦东新区张江路1号 = 浦东新区张江路1号 =
    张江路1号), because forms and certificates routinely leave them out; when both name
    divisions and these disagree, the full strings are compared so the difference counts.
    Meant for a soft ``address_mismatch`` warning, never for rejecting a document.
    """
    norm_a, norm_b = normalize_address(a), normalize_address(b)
    if not norm_a or not norm_b:
        return 1.0 if norm_a == norm_b else 0.0
    prefix_a, rest_a = _split_divisions(norm_a)
    prefix_b, rest_b = _split_divisions(norm_b)
    if not rest_a or not rest_b:
        # One address is nothing but divisions: only the whole strings can be compared.
        return _ratio(norm_a, norm_b)
    rest_score = _ratio(rest_a, rest_b)
    if prefix_a in prefix_b or prefix_b in prefix_a:
        return rest_score
    return min(rest_score, _ratio(norm_a, norm_b))
