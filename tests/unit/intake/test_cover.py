"""Cover sheets: the QR text round-trips, and a printed code decodes from scanned pages."""

from __future__ import annotations

import io
import random

import pytest
import segno
from PIL import Image

from intake import CoverSheet, cover_payload, read_cover
from synthetic import Level, degrade, render
from synthetic._sheet import A4_PORTRAIT

CASE_NUMBERS = ("A", "7", "YK-2026-000123", "hv_2026_0042", "a-_-_b", "Z" * 64, "0-" * 32)


def _qr(text: str, *, module_px: int = 10) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=module_px, border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _page_with(
    text: str, *, at: tuple[int, int] = (580, 260), size: tuple[int, int] = A4_PORTRAIT
) -> Image.Image:
    """A page at 200 dpi (A4 unless ``size`` says) with one QR code of ``text`` on it; a module
    of 10 px is 1.3 mm, as a cover sheet prints it."""
    page = Image.new("RGB", size, "white")
    page.paste(_qr(text), at)
    return page


@pytest.mark.parametrize("case_no", CASE_NUMBERS)
def test_payload_round_trips_every_allowed_case_number(case_no: str) -> None:
    sheet = CoverSheet(case_no=case_no, doc_type="supply_contract")
    assert read_cover(_page_with(cover_payload(sheet))) == sheet


def test_payload_is_versioned() -> None:
    sheet = CoverSheet(case_no="YK-1", doc_type="id_card")
    assert cover_payload(sheet) == "YEKUO-COVER/1 YK-1 id_card"


@pytest.mark.parametrize("case_no", ["", "-YK", "_1", "YK 1", "YK/1", "案1", "Z" * 65])
def test_payload_refuses_a_case_number_the_archive_would_not_accept(case_no: str) -> None:
    with pytest.raises(ValueError, match="letters, digits"):
        cover_payload(CoverSheet(case_no=case_no, doc_type="id_card"))


@pytest.mark.parametrize("doc_type", ["", "ID_card", "id card", "1st", "身份证", "a" * 41])
def test_payload_refuses_what_is_no_document_type_code(doc_type: str) -> None:
    with pytest.raises(ValueError, match="lower-case letters"):
        cover_payload(CoverSheet(case_no="YK-1", doc_type=doc_type))


def test_payload_carries_a_type_a_rule_file_declares() -> None:
    sheet = CoverSheet(case_no="YK-1", doc_type="fire_safety_permit")
    assert read_cover(_page_with(cover_payload(sheet))) == sheet


@pytest.mark.parametrize("level", ["mild", "hard"])
@pytest.mark.parametrize("seed", range(3))
def test_a_degraded_scan_still_decodes(level: Level, seed: int) -> None:
    sheet = CoverSheet(case_no="YK-2026-000123", doc_type="acceptance_record")
    # The top half of an A4 page, where a cover prints its code: degrading costs half the time.
    page = _page_with(cover_payload(sheet), size=(A4_PORTRAIT[0], A4_PORTRAIT[1] // 2))
    scan = degrade(page, level, random.Random(seed))
    assert read_cover(scan) == sheet


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_turned_page_decodes(degrees: int) -> None:
    sheet = CoverSheet(case_no="YK-9", doc_type="id_card")
    assert read_cover(_page_with(cover_payload(sheet)).rotate(degrees, expand=True)) == sheet


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/pay?order=YK-1",
        "YEKUO-COVER/2 YK-1 id_card",
        "YEKUO-COVER/1 YK-1 Id-Card",
        "YEKUO-COVER/1 -YK id_card",
        "YEKUO-COVER/1 YK-1 id_card extra",
        "YEKUO-COVER/1  YK-1 id_card",
    ],
)
def test_a_foreign_or_malformed_code_is_no_cover(text: str) -> None:
    assert read_cover(_page_with(text)) is None


def test_a_foreign_code_beside_a_cover_does_not_hide_it() -> None:
    sheet = CoverSheet(case_no="YK-3", doc_type="application_form")
    page = _page_with("https://example.com/", at=(100, 100))
    page.paste(_qr(cover_payload(sheet)), (800, 1400))
    assert read_cover(page) == sheet


def test_a_page_without_a_code_is_no_cover() -> None:
    document = render("application_form", random.Random(5))
    assert read_cover(document.images[0]) is None
    assert read_cover(Image.new("RGB", A4_PORTRAIT, "white")) is None
