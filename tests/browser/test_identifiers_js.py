"""The check characters typed into the new-case form: the page's JavaScript agrees with intake."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from playwright.sync_api import Page

from intake import (
    CREDIT_CODE_ALPHABET,
    citizen_id_check_char,
    credit_code_check_char,
    is_valid_citizen_id,
    is_valid_credit_code,
)

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).parents[2] / "api" / "web" / "static" / "identifiers.js"


def _citizen_ids(rng: random.Random) -> list[str]:
    values = ["11010519491231002X", "110105194912310021", "11010519491231002x", "1101051949"]
    for _ in range(150):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        right = citizen_id_check_char(first17)
        wrong = rng.choice([c for c in "0123456789X" if c != right])
        values += [first17 + right, first17 + wrong]
    return values


def _credit_codes(rng: random.Random) -> list[str]:
    values = ["91310110666007217T", "91310110666007217U", "9131011066600721IT", "913101"]
    for _ in range(150):
        first17 = "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(17))
        right = credit_code_check_char(first17)
        wrong = rng.choice([c for c in CREDIT_CODE_ALPHABET if c != right])
        values += [first17 + right, first17 + wrong]
    return values


def test_javascript_and_python_agree_on_check_characters(page: Page) -> None:
    rng = random.Random(11643)
    ids, codes = _citizen_ids(rng), _credit_codes(rng)
    page.set_content("<!doctype html><title>ids</title>")
    page.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
    in_js = page.evaluate(
        """([ids, codes]) => ({
            ids: ids.map(v => YekuoIds.isValidCitizenId(v)),
            codes: codes.map(v => YekuoIds.isValidCreditCode(v)),
        })""",
        [ids, codes],
    )
    # The form upper-cases what is typed, as the case record does.
    assert in_js["ids"] == [is_valid_citizen_id(v.upper()) for v in ids]
    assert in_js["codes"] == [is_valid_credit_code(v.upper()) for v in codes]
    assert sum(in_js["ids"]) == 152
    assert sum(in_js["codes"]) == 151
