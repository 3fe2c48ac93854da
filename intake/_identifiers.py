"""Check characters of Chinese identifiers.

- 公民身份号码 (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check character.
- 统一社会信用代码 (GB 32100-2015): 18 characters over a 31-letter alphabet, MOD 31 check.

Also the repair of identifiers misread by OCR (``repair_citizen_id``, ``repair_credit_code``)
and what a citizen ID encodes (birth date, gender).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from intake._normalize import compact_identifier, normalize_identifier

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_PATTERN = re.compile(rf"^[{CREDIT_CODE_ALPHABET}]{{18}}$")


def citizen_id_check_char(first17: str) -> str:
    """The check character of a citizen ID whose first 17 digits are given."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"a citizen ID check needs 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_citizen_id_format(value: str) -> bool:
    """True when value has the shape of an 18-character citizen ID (check not verified)."""
    return bool(_ID_PATTERN.match(value))


def is_valid_citizen_id(value: str) -> bool:
    """True when value is an 18-character citizen ID whose check character is right."""
    return is_citizen_id_format(value) and citizen_id_check_char(value[:17]) == value[17]


def credit_code_check_char(first17: str) -> str:
    """The check character of a unified social credit code whose first 17 characters are given."""
    if len(first17) != 17 or any(char not in CREDIT_CODE_ALPHABET for char in first17):
        raise ValueError(
            f"a credit code check needs 17 characters of the code set, got {first17!r}"
        )
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_credit_code_format(value: str) -> bool:
    """True when value has the shape of a credit code (check not verified)."""
    return bool(_CREDIT_PATTERN.match(value))


def is_valid_credit_code(value: str) -> bool:
    """True when value is a unified social credit code whose check character is right."""
    return is_credit_code_format(value) and credit_code_check_char(value[:17]) == value[17]


# OCR repair ---------------------------------------------------------------------------------
#
# How a misread identifier is repaired (the "only one repair" rule):
#
# 1. The raw text is normalised (``normalize_identifier``: width, spaces, hyphens, upper
#    case, so a lower-case x is an X). Not 18 characters → "malformed". Valid as it stands
#    → "valid", with no repair at all.
# 2. Forced substitutions: a look-alike letter (O→0, I→1, L→1, S→5, Z→2, B→8) where the
#    standard has only digits, or where the letter is outside the code set, is replaced by
#    its digit. The reading is certainly wrong there and each look-alike names one digit, so
#    this involves no choice. Likewise a lower-case l is a 1 (both identifiers are printed
#    in upper case). Digit-only positions: a citizen ID's first 17; a credit code's 2–8
#    (机构类别 and the GB/T 2260 region code). A character that is neither legal nor a
#    look-alike (a 汉字, V, an A in a citizen ID) makes the value "malformed".
# 3. The result is the base candidate. Optional substitutions swap a legal character for
#    its legal look-alike: 8↔B and 1↔L, only in credit codes, only at positions 9–18
#    (positions 1–8 are digits or a 登记管理部门 code, and neither B nor L is one). The
#    candidate set is the base plus every single optional swap of it. Exactly one
#    validating candidate → "repaired"; several → "ambiguous" (value None, the candidates
#    listed); none → "invalid_checksum" with the base as value, for a reviewer to decide.
#
# Both check characters detect every single substitution (their moduli 11 and 31 are prime
# and no weight is 0), so the base and a single swap of it never both validate, and the
# outcome does not depend on the order candidates are tried. Combinations of two or more
# optional swaps are not tried: each wrong candidate validates by chance with probability
# about 1/31 and their number grows as 2^k, so they would turn genuine pilot codes
# (91350100M0001TGQXM) into confident-looking wrong repairs more often than they would fix
# real double misreads. A single optional swap still validates by chance about once in 31
# per swappable character, which is why its repair is reported and never silent.

RepairStatus = Literal["valid", "repaired", "invalid_checksum", "ambiguous", "malformed"]

_LOOKALIKE_DIGIT = {"O": "0", "I": "1", "L": "1", "S": "5", "Z": "2", "B": "8"}
_OPTIONAL_SWAPS = {"8": "B", "B": "8", "1": "L", "L": "1"}
_DIGITS = "0123456789"
_ID_LENGTH = 18
_CREDIT_DIGIT_INDICES = range(1, 8)  # 0-based: 机构类别 and the region code
_CREDIT_SWAP_INDICES = range(8, 18)  # 0-based: the 主体标识码 and the check character


@dataclass(frozen=True, slots=True)
class IdentifierRepair:
    """The outcome of reading an identifier from OCR text.

    ``value`` is the identifier to use (None when malformed or ambiguous); ``original`` the
    text as read; ``repairs`` describes each substitution made, 1-based, e.g.
    ``"position 7: O→0"``; ``candidates`` lists the competing values when ambiguous.
    """

    value: str | None
    status: RepairStatus
    original: str
    repairs: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Scheme:
    """What an identifier allows at each position and how its check is verified."""

    legal: Callable[[int], str]
    digits_only: Callable[[int], bool]
    swappable: Callable[[int], bool]
    is_valid: Callable[[str], bool]


_CITIZEN_ID = _Scheme(
    legal=lambda index: _DIGITS + "X" if index == _ID_LENGTH - 1 else _DIGITS,
    digits_only=lambda index: index < _ID_LENGTH - 1,
    swappable=lambda _index: False,
    is_valid=is_valid_citizen_id,
)
_CREDIT_CODE = _Scheme(
    legal=lambda _index: CREDIT_CODE_ALPHABET,
    digits_only=lambda index: index in _CREDIT_DIGIT_INDICES,
    swappable=lambda index: index in _CREDIT_SWAP_INDICES,
    is_valid=is_valid_credit_code,
)


def _describe(index: int, found: str, replacement: str) -> str:
    return f"position {index + 1}: {found}→{replacement}"


def _forced_digit(found: str, index: int, scheme: _Scheme) -> str | None:
    """The digit a misread character certainly stands for, or None when it stands as read."""
    if found == "l":
        return "1"
    upper = found.upper()
    digit = _LOOKALIKE_DIGIT.get(upper)
    if digit is None or (upper in scheme.legal(index) and not scheme.digits_only(index)):
        return None
    return digit


@dataclass(frozen=True, slots=True)
class _Forced:
    """The base candidate: the value with every forced substitution made."""

    base: str
    repairs: tuple[str, ...]
    indices: frozenset[int]


def _force(compact: str, scheme: _Scheme) -> _Forced | None:
    """The base candidate with forced substitutions applied, or None when malformed."""
    chars: list[str] = []
    repairs: list[str] = []
    indices: set[int] = set()
    for index, found in enumerate(compact):
        digit = _forced_digit(found, index, scheme)
        if digit is not None:
            chars.append(digit)
            repairs.append(_describe(index, found, digit))
            indices.add(index)
        elif found.upper() in scheme.legal(index):
            chars.append(found.upper())
        else:
            return None
    return _Forced("".join(chars), tuple(repairs), frozenset(indices))


def _single_swaps(forced: _Forced, scheme: _Scheme) -> list[tuple[str, str]]:
    """Every candidate one optional swap away from the base that validates, described."""
    found: list[tuple[str, str]] = []
    base = forced.base
    for index, char in enumerate(base):
        other = _OPTIONAL_SWAPS.get(char)
        # A forced position is settled: an I read there was a 1, never an L.
        if other is None or not scheme.swappable(index) or index in forced.indices:
            continue
        candidate = base[:index] + other + base[index + 1 :]
        if scheme.is_valid(candidate):
            found.append((candidate, _describe(index, char, other)))
    return found


def _repair(raw: str, scheme: _Scheme) -> IdentifierRepair:
    compact = compact_identifier(raw)
    if len(compact) != _ID_LENGTH:
        return IdentifierRepair(value=None, status="malformed", original=raw)
    if scheme.is_valid(compact.upper()):
        return IdentifierRepair(value=compact.upper(), status="valid", original=raw)
    forced = _force(compact, scheme)
    if forced is None:
        return IdentifierRepair(value=None, status="malformed", original=raw)
    base, repairs = forced.base, forced.repairs
    if scheme.is_valid(base):
        return IdentifierRepair(value=base, status="repaired", original=raw, repairs=repairs)
    swaps = _single_swaps(forced, scheme)
    if len(swaps) == 1:
        value, description = swaps[0]
        return IdentifierRepair(
            value=value, status="repaired", original=raw, repairs=(*repairs, description)
        )
    if swaps:
        candidates = tuple(value for value, _ in swaps)
        return IdentifierRepair(
            value=None, status="ambiguous", original=raw, repairs=repairs, candidates=candidates
        )
    return IdentifierRepair(value=base, status="invalid_checksum", original=raw, repairs=repairs)


def repair_citizen_id(raw: str) -> IdentifierRepair:
    """Normalise a citizen ID read by OCR and repair misread characters when that is safe.

    Letters that cannot appear in an ID but look like a digit (O, I, l, L, S, Z, B) are
    replaced; a lower-case x becomes X. A wrong check character is never corrected by
    guessing: the value comes back as ``invalid_checksum`` for a reviewer. See the comment
    above ``RepairStatus`` for the full rule.
    """
    return _repair(raw, _CITIZEN_ID)


def repair_credit_code(raw: str) -> IdentifierRepair:
    """Normalise a unified social credit code read by OCR and repair it when that is safe.

    I, O, S, Z (outside the code set) become 1, 0, 5, 2 anywhere; B and L become 8 and 1 at
    positions 2–8, which hold only digits. When the check still fails, one swap 8↔B or 1↔L is
    accepted if it is the only one that makes the check validate; two or more such swaps
    give ``ambiguous``, none gives ``invalid_checksum`` (early pilot codes fail the check and
    must reach a reviewer, not be rejected).
    """
    return _repair(raw, _CREDIT_CODE)


def citizen_id_birth_date(citizen_id: str) -> date | None:
    """The birth date encoded in positions 7–14 of a citizen ID, or None if it is not a date."""
    value = normalize_identifier(citizen_id)
    if not is_citizen_id_format(value):
        return None
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def citizen_id_gender(citizen_id: str) -> Literal["男", "女"]:
    """The gender encoded in a citizen ID: digit 17 odd is 男, even is 女 (GB 11643).

    Raises ValueError when the value does not have the shape of a citizen ID.
    """
    value = normalize_identifier(citizen_id)
    if not is_citizen_id_format(value):
        raise ValueError(
            f"cannot read a gender from {citizen_id!r}: a citizen ID has 17 digits and a "
            "check character; repair or re-enter the ID first"
        )
    return "男" if int(value[16]) % 2 == 1 else "女"
