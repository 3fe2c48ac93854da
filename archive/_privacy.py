"""Citizen ID numbers shown to those who need them, masked for everyone else.

A citizen ID number (GB 11643) says who a person is, where they were registered and when they
were born. Roles without the ``view_pii`` permission, and the audit trail, see it as
``410105********6366``: the region code and the last four characters, enough to tell two
people apart on a page without disclosing the number.
"""

from __future__ import annotations

import re
from typing import Any

_CITIZEN_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MASK = "********"


def mask_citizen_id(value: str) -> str:
    """``value`` with every 18-character citizen ID number in it masked (the rest unchanged)."""
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
