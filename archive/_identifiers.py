"""Identifiers typed into the case record: normalised, shape-checked, check digit reported."""

from __future__ import annotations

import unicodedata

from archive._errors import ValidationError
from archive._vocabulary import CASE_FIELD_LABELS_ZH
from intake import (
    is_citizen_id_format,
    is_credit_code_format,
    is_valid_citizen_id,
    is_valid_credit_code,
)


def clean_identifier(value: str) -> str:
    """Full-width to half-width, spaces and hyphens removed, upper case."""
    folded = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in folded if not ch.isspace() and ch != "-").upper()


def checked_citizen_id(value: str, *, field: str) -> tuple[str, bool]:
    """The normalised ID and whether its check digit holds; ValidationError if malformed."""
    cleaned = clean_identifier(value)
    if not is_citizen_id_format(cleaned):
        raise ValidationError(
            f"{field} {value!r} is not a citizen ID number: it must be 17 digits followed by a "
            "digit or X (18 characters)",
            message_zh=f"{CASE_FIELD_LABELS_ZH.get(field, '身份证号码')}「{value}」格式不正确："
            "应为 17 位数字加 1 位数字或 X，共 18 位",
        )
    return cleaned, is_valid_citizen_id(cleaned)


def checked_credit_code(value: str, *, field: str) -> tuple[str, bool]:
    """The normalised credit code and whether its check character holds."""
    cleaned = clean_identifier(value)
    if not is_credit_code_format(cleaned):
        raise ValidationError(
            f"{field} {value!r} is not a unified social credit code: it must be 18 characters "
            "of 0-9 and A-Z without I, O, S, V, Z",
            message_zh=f"{CASE_FIELD_LABELS_ZH.get(field, '信用代码')}「{value}」格式不正确："
            "应为 18 位数字或大写字母（不含 I、O、S、V、Z）",
        )
    return cleaned, is_valid_credit_code(cleaned)
