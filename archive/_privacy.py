"""Citizen ID numbers shown to those who need them, masked for everyone else.

A citizen ID number (GB 11643) says who a person is, where they were registered and when they
were born. Roles without the ``view_pii`` permission, and the audit trail, see it as
``410105********6366``: the region code and the last four characters, enough to tell two
people apart on a page without disclosing the number.
"""

from __future__ import annotations

import re
from typing import Any

_BIRTH_DATE = r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
CITIZEN_ID_PATTERN = rf"(?<![0-9])([0-9]{{6}}){_BIRTH_DATE}([0-9]{{3}}[0-9Xx])(?![0-9])"
"""An 18-character citizen ID number: region, a birth date, sequence and check character.

The birth date keeps an all-digit credit code or contract number from being taken for one; the
check character is not tested, so a number misread by OCR is masked too. Letters may touch it
(OCR glues labels on: ``ID11010519491231002X``); only a longer run of digits is not one.
"""
_CITIZEN_ID = re.compile(CITIZEN_ID_PATTERN)
_MASK = "********"


def mask_citizen_id(value: str) -> str:
    """``value`` with every 18-character citizen ID number in it masked (the rest unchanged).

    The masked number is as long as the number, so a masked text keeps its length.
    """
    return _CITIZEN_ID.sub(lambda match: match.group(1) + _MASK + match.group(2), value)


def mask_payload(value: Any) -> Any:
    """A JSON-like value with every citizen ID number in its strings masked, at any depth."""
    if isinstance(value, str):
        return mask_citizen_id(value)
    if isinstance(value, dict):
        return {key: mask_payload(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_payload(item) for item in value]
    return value
